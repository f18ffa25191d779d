package io.presencegateway.loadtool;

import java.time.Instant;

/** Wall clock in microseconds (Instant.now() reads the system clock at microsecond resolution on Linux). */
final class Clock {
  private Clock() {
  }

  static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
