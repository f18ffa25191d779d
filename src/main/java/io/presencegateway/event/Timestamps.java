package io.presencegateway.event;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The one timestamp format of the envelope: UTC ISO-8601 with milliseconds and {@code Z}. */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** The shape of {@link #FORMAT}'s output, {@code d} for a digit. */
  private static final String CANONICAL = "dddd-dd-ddTdd:dd:dd.dddZ";

  private Timestamps() {
  }

  public static String format(Instant instant) {
    return FORMAT.format(instant);
  }

  /** Normalises an upstream timestamp to the envelope format; passes it through if unparseable. */
  public static String normalise(String upstream) {
    if (upstream == null || upstream.isEmpty() || isCanonical(upstream)) {
      return upstream; // Webex already sends this format: no parse and format per person and cycle
    }
    try {
      return format(Instant.parse(upstream));
    } catch (RuntimeException e) {
      return upstream;
    }
  }

  /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} with digits where digits belong (what {@link #format} writes). */
  static boolean isCanonical(String s) {
    if (s.length() != CANONICAL.length()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char pattern = CANONICAL.charAt(i);
      char c = s.charAt(i);
      if (pattern == 'd' ? c < '0' || c > '9' : c != pattern) {
        return false;
      }
    }
    return plausible(s);
  }

  /** Month 01-12, day 01-31, hour 00-23, minute and second 00-59: otherwise the parser decides. */
  private static boolean plausible(String s) {
    return between(s, 5, 1, 12) && between(s, 8, 1, 31) && between(s, 11, 0, 23) && between(s, 14, 0, 59)
        && between(s, 17, 0, 59);
  }

  private static boolean between(String s, int at, int min, int max) {
    int v = (s.charAt(at) - '0') * 10 + (s.charAt(at + 1) - '0');
    return v >= min && v <= max;
  }
}
