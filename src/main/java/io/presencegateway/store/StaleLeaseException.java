package io.presencegateway.store;

/**
 * A poller's result was refused, or not even sent, because it no longer holds the poll lease it
 * started the cycle with. {@link #expired()} tells the two causes apart for the log: the lease ran out
 * (nobody holds it now: Redis stalled or was flushed, or this process paused) or another instance
 * holds it.
 */
public final class StaleLeaseException extends RuntimeException {
  private final boolean expired;

  /** Another holder got a newer token. */
  public StaleLeaseException(long token, long current) {
    this("stale poll lease: token " + token + " < current " + current, false);
  }

  /** The store holds no lease for this token: none at all ({@code current} 0) or another holder's. */
  public static StaleLeaseException notHeld(long token, long current) {
    return new StaleLeaseException("stale poll lease: token " + token + " is not the lease's (current "
        + (current == 0 ? "none" : String.valueOf(current)) + ")", current == 0);
  }

  /** Found lost while the cycle ran (see the poller's lease keeper), before anything was written. */
  public static StaleLeaseException lost(long token, boolean expired, String why) {
    return new StaleLeaseException("poll lease with token " + token + " lost: " + why, expired);
  }

  private StaleLeaseException(String message, boolean expired) {
    super(message);
    this.expired = expired;
  }

  /** True when the lease ran out and nobody held it; false when another instance holds it. */
  public boolean expired() {
    return expired;
  }
}
