package io.presencegateway.event;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The one timestamp format of the envelope: UTC ISO-8601 with milliseconds and {@code Z}. */
public final class Timestamps {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private Timestamps() {
  }

  public static String format(Instant instant) {
    return FORMAT.format(instant);
  }

  /** Normalises an upstream timestamp to the envelope format; passes it through if unparseable. */
  public static String normalise(String upstream) {
    if (upstream == null || upstream.isEmpty()) {
      return upstream;
    }
    try {
      return format(Instant.parse(upstream));
    } catch (RuntimeException e) {
      return upstream;
    }
  }
}
