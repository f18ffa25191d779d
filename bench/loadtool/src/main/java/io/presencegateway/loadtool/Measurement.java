package io.presencegateway.loadtool;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The measuring window and what every client records into it, shared by all event loops.
 * An event belongs to the window when its envelope timestamp (detection, or publishing for
 * Nchan) falls in [start, end): every client is expected to receive every such event. Until the
 * window opens both bounds are "never", so everything counts as before the window.
 *
 * <p>Latency = arrival wall clock (microseconds) minus the envelope timestamp (milliseconds,
 * truncated by the server): a figure can be up to 1 ms high, never low, on one shared clock.
 */
final class Measurement {
  private static final long HIGHEST_MICROS = 120_000_000L;

  private volatile long startMillis = Long.MAX_VALUE;
  private volatile long endMillis = Long.MAX_VALUE;
  private final Recorder latencyMicros = new Recorder(HIGHEST_MICROS, 3);
  private final Recorder envelopeBytes = new Recorder(1 << 20, 3);
  private final LongAdder negativeLatencies = new LongAdder();
  private final LongAdder unparseable = new LongAdder();
  private final LongAdder disconnects = new LongAdder();
  /** Newest event key seen before the window: the gateway's log is replayed after it. */
  private final AtomicLong lastKeyBeforeWindow = new AtomicLong(Envelopes.NONE);

  void open(long start, long end) {
    endMillis = end; // end first: a reader that sees the new start never sees the old "never" end
    startMillis = start;
  }

  long startMillis() {
    return startMillis;
  }

  long endMillis() {
    return endMillis;
  }

  /** Where an event falls: -1 before the window, 0 inside, 1 after it. */
  int place(long timestampMillis) {
    long start = startMillis;
    if (timestampMillis < start) {
      return -1;
    }
    return timestampMillis < endMillis ? 0 : 1;
  }

  void recordLatency(long arrivalMicros, long timestampMillis) {
    long micros = arrivalMicros - timestampMillis * 1000;
    if (micros < 0) {
      negativeLatencies.increment();
      micros = 0;
    }
    latencyMicros.recordValue(Math.min(micros, HIGHEST_MICROS));
  }

  void recordEnvelopeBytes(int bytes) {
    if (bytes > 0) {
      envelopeBytes.recordValue(Math.min(bytes, 1 << 20));
    }
  }

  void noteBeforeWindow(long key) {
    lastKeyBeforeWindow.accumulateAndGet(key, Math::max);
  }

  void unparseable() {
    unparseable.increment();
  }

  void disconnected() {
    disconnects.increment();
  }

  Histogram latencies() {
    return latencyMicros.getIntervalHistogram();
  }

  Histogram envelopeSizes() {
    return envelopeBytes.getIntervalHistogram();
  }

  long negativeLatencies() {
    return negativeLatencies.sum();
  }

  long unparseableMessages() {
    return unparseable.sum();
  }

  long disconnects() {
    return disconnects.sum();
  }

  long lastKeyBeforeWindow() {
    return lastKeyBeforeWindow.get();
  }
}
