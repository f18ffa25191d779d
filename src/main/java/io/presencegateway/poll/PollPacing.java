package io.presencegateway.poll;

import java.time.Duration;

/**
 * When the next poll cycle may call upstream, after what the last one got. Pure: no clock, no Vert.x.
 * <ul>
 *   <li>success: the interval, narrowing back by halves after a throttle had widened it;</li>
 *   <li>throttled: at least Retry-After, and the interval doubles (up to the max backoff) so that
 *       the poller asks less often for a while;</li>
 *   <li>other failures: exponential backoff from the interval up to the max backoff;</li>
 *   <li>unauthorized: the max backoff (a bad token does not fix itself quickly).</li>
 * </ul>
 */
final class PollPacing {
  private final long intervalMs;
  private final long maxBackoffMs;
  private long effectiveMs;
  private int failures;

  PollPacing(long intervalMs, long maxBackoffMs) {
    this.intervalMs = intervalMs;
    this.maxBackoffMs = Math.max(intervalMs, maxBackoffMs);
    this.effectiveMs = intervalMs;
  }

  /** The interval between successful cycles now (wider than configured while recovering from a throttle). */
  long effectiveIntervalMs() {
    return effectiveMs;
  }

  /** Failed cycles in a row. */
  int failures() {
    return failures;
  }

  long afterSuccess() {
    failures = 0;
    effectiveMs = Math.max(intervalMs, effectiveMs / 2);
    return effectiveMs;
  }

  long afterThrottle(Duration retryAfter) {
    failures++;
    effectiveMs = Math.min(maxBackoffMs, Math.max(intervalMs * 2, effectiveMs * 2));
    return Math.max(retryAfter.toMillis(), effectiveMs);
  }

  long afterFailure() {
    failures++;
    long backoff = intervalMs << Math.min(failures, 30);
    return backoff <= 0 ? maxBackoffMs : Math.min(maxBackoffMs, backoff);
  }

  long afterUnauthorized() {
    failures++;
    return maxBackoffMs;
  }
}
