package io.presencegateway.store;

/** A poller wrote with a fencing token older than the store's: another instance polls now. */
public final class StaleLeaseException extends RuntimeException {
  public StaleLeaseException(long token, long current) {
    super("stale poll lease: token " + token + " < current " + current);
  }
}
