package io.presencegateway.bench;

/**
 * Which requests the receiver answers with a 500: a seeded hash of (subscription, webhook-id,
 * attempt as the receiver counts it), below {@code share}. Deterministic for the same events
 * whatever order they arrive in, so two runs fail the same requests; about {@code share} of all
 * requests fail, first attempts and retries alike. After {@code maxInARow} failures of one
 * (subscription, event) the receiver always accepts it: then the receiver alone can never exhaust
 * a retry schedule longer than that, and anything that goes missing is the gateway's doing.
 */
record FailurePlan(double share, long seed, int maxInARow) {
  static final FailurePlan NEVER = new FailurePlan(0, 0, 0);

  boolean fails(int subscription, String webhookId, int attempt) {
    if (attempt > maxInARow || share <= 0) {
      return false;
    }
    long h = mix(seed ^ subscription);
    h = mix(h ^ webhookId.hashCode());
    h = mix(h ^ attempt);
    return (h >>> 11) * 0x1.0p-53 < share;
  }

  /** The SplitMix64 finaliser: a well-spread 64-bit hash of a 64-bit value. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
