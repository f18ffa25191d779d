package io.presencegateway.bench;

/** Sleeping between polls of a condition (never to decide one) and for pacing a load. */
final class Pause {
  private Pause() {
  }

  static void millis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
