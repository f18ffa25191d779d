package io.presencegateway.poll;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads a {@code Retry-After} header: delay-seconds (what Webex sends) or an HTTP-date. Absent,
 * malformed or negative values give the default; absurd values are capped.
 */
final class RetryAfter {
  private RetryAfter() {
  }

  static Duration parse(String header, Duration fallback, Duration cap, Instant now) {
    Duration wait = read(header == null ? "" : header.trim(), now);
    if (wait == null) {
      wait = fallback;
    }
    return wait.compareTo(cap) > 0 ? cap : wait;
  }

  private static Duration read(String value, Instant now) {
    if (value.isEmpty()) {
      return null;
    }
    if (value.chars().allMatch(Character::isDigit)) {
      // very long digit strings are absurd: the cap applies
      return value.length() > 9 ? Duration.ofSeconds(999_999_999L) : Duration.ofSeconds(Long.parseLong(value));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
