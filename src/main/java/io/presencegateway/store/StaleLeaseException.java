package io.presencegateway.store;

/** A poller wrote with a fencing token older than the store's: another instance polls now. */
public final class StaleLeaseException extends RuntimeException {
  public StaleLeaseException(long token, long current) {
    super("stale poll lease: token " + token + " < current " + current);
  }

  /** The store holds no lease for this token at all (expired, flushed, or another holder's). */
  public static StaleLeaseException notHeld(long token, long current) {
    return new StaleLeaseException("stale poll lease: token " + token + " is not the lease's (current "
        + (current == 0 ? "none" : String.valueOf(current)) + ")");
  }

  private StaleLeaseException(String message) {
    super(message);
  }
}
