package io.presencegateway.webhook;

import io.presencegateway.store.StoreFailures;
import org.slf4j.Logger;

/**
 * Logs a store outage (Redis unreachable or stalled) as an outage, not as one warning per failed
 * call: one WARN when it starts, at most one reminder per {@link #REMIND_EVERY_MS} while it lasts,
 * one INFO when the store answers again. Failures that are not an outage are left to the caller.
 * Use from one context.
 */
final class StoreOutage {
  static final long REMIND_EVERY_MS = 60_000;

  private final Logger log;
  private final String what;
  private long since = -1;
  private long lastLine;
  private long failures;

  /** @param what the work that waits, e.g. "webhook deliveries" */
  StoreOutage(Logger log, String what) {
    this.log = log;
    this.what = what;
  }

  /** Counts {@code failure} when it is an outage and logs as needed; false when it is something else. */
  boolean failed(Throwable failure) {
    if (!StoreFailures.isUnavailable(failure)) {
      return false;
    }
    long now = System.currentTimeMillis();
    failures++;
    if (since < 0) {
      since = now;
      lastLine = now;
      log.warn("The store is unreachable ({}): {} wait and are retried; logged again once a minute while it lasts "
          + "and when it ends", failure.toString(), what);
    } else if (now - lastLine >= REMIND_EVERY_MS) {
      lastLine = now;
      log.warn("The store is still unreachable after {} s ({} failed calls; last: {}): {} wait", (now - since) / 1000,
          failures, failure.toString(), what);
    } else {
      log.debug("Store call failed during the outage: {}", failure.toString());
    }
    return true;
  }

  /** A store call worked: ends an outage, if there was one. */
  void succeeded() {
    if (since >= 0) {
      log.info("The store answers again after {} s ({} failed calls meanwhile): {} resume", (System.currentTimeMillis() - since) / 1000,
          failures, what);
      since = -1;
      failures = 0;
    }
  }

  boolean ongoing() {
    return since >= 0;
  }
}
