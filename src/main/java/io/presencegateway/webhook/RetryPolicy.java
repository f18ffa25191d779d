package io.presencegateway.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.DoubleSupplier;

/**
 * When to try again, pure: the configured schedule (delay before attempt 2, 3, …) plus up to 20 %
 * random jitter so that a recovering receiver is not hit by every retry at once. A receiver's
 * {@code Retry-After} can push the next attempt later, never earlier, and never beyond
 * {@link #MAX_RETRY_AFTER} (a receiver must not park deliveries for days).
 */
public final class RetryPolicy {
  static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
  private static final double JITTER = 0.2;

  private final List<Duration> schedule;
  private final DoubleSupplier random;

  public RetryPolicy(List<Duration> schedule) {
    this(schedule, Math::random);
  }

  RetryPolicy(List<Duration> schedule, DoubleSupplier random) {
    this.schedule = List.copyOf(schedule);
    this.random = random;
  }

  /** Attempts in all: the first one plus one per schedule step. */
  public int maxAttempts() {
    return schedule.size() + 1;
  }

  /**
   * @param attemptsMade attempts already made (1 after the first failure)
   * @param retryAfter   the receiver's Retry-After, when it sent a usable one
   * @return delay in ms before the next attempt, or empty when the schedule is exhausted
   */
  public OptionalLong nextDelayMs(int attemptsMade, Optional<Duration> retryAfter) {
    if (attemptsMade < 1 || attemptsMade > schedule.size()) {
      return OptionalLong.empty();
    }
    long base = schedule.get(attemptsMade - 1).toMillis();
    long jittered = base + (long) (base * JITTER * random.getAsDouble());
    long asked = retryAfter.map(d -> Math.min(d.toMillis(), MAX_RETRY_AFTER.toMillis())).orElse(0L);
    return OptionalLong.of(Math.max(jittered, asked));
  }

  /** Reads a Retry-After header: delta seconds or an HTTP date; empty when absent or unreadable. */
  public static Optional<Duration> parseRetryAfter(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    String v = value.trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(Math.min(seconds, MAX_RETRY_AFTER.toSeconds())));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return d.isNegative() ? Optional.of(Duration.ZERO) : Optional.of(d);
      } catch (DateTimeParseException notDate) {
        return Optional.empty();
      }
    }
  }
}
