package io.presencegateway.webhook;

import java.time.Duration;
import java.util.Optional;

/**
 * What one POST came to.
 *
 * @param statusCode the receiver's status, 0 when none arrived in time
 * @param error      null when the attempt succeeded (2xx in time)
 * @param retryAfter the receiver's Retry-After, when usable
 */
public record AttemptOutcome(int statusCode, String error, Optional<Duration> retryAfter, long latencyMs) {

  public static AttemptOutcome failed(String error, long latencyMs) {
    return new AttemptOutcome(0, error, Optional.empty(), latencyMs);
  }

  public static AttemptOutcome answered(int status, Optional<Duration> retryAfter, long latencyMs) {
    String error = status >= 200 && status < 300 ? null
        : status >= 300 && status < 400 ? "redirect " + status + " (not followed)" : "HTTP " + status;
    return new AttemptOutcome(status, error, retryAfter, latencyMs);
  }

  public boolean succeeded() {
    return error == null;
  }

  /** 410 Gone: the receiver asks never to be called again. */
  public boolean gone() {
    return statusCode == 410;
  }
}
