package io.presencegateway.http;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and gauges of the SSE and WebSocket channels of one gateway, updated from every event
 * loop (hence atomics and adders). Plain numbers so that a Micrometer binder can read them later.
 */
public final class ChannelMetrics {
  /** The push channels, as a metrics tag. */
  public enum Channel { SSE, WS }

  private final AtomicInteger sseConnections = new AtomicInteger();
  private final AtomicInteger wsConnections = new AtomicInteger();
  private final AtomicInteger busConsumers = new AtomicInteger();
  private final LongAdder sseEvents = new LongAdder();
  private final LongAdder wsEvents = new LongAdder();
  private final LongAdder slowClientDisconnects = new LongAdder();
  private final LongAdder resumes = new LongAdder();
  private final LongAdder resets = new LongAdder();
  private final LongAdder rejectedConnections = new LongAdder();
  private final AtomicInteger httpConnections = new AtomicInteger();
  private final LongAdder refusedAtAccept = new LongAdder();
  private final LongAdder timedOut = new LongAdder();

  public void opened(Channel channel) {
    gauge(channel).incrementAndGet();
  }

  public void closed(Channel channel) {
    gauge(channel).decrementAndGet();
  }

  private AtomicInteger gauge(Channel channel) {
    return channel == Channel.SSE ? sseConnections : wsConnections;
  }

  public void consumerRegistered() {
    busConsumers.incrementAndGet();
  }

  public void consumerUnregistered() {
    busConsumers.decrementAndGet();
  }

  public void eventSent(Channel channel) {
    (channel == Channel.SSE ? sseEvents : wsEvents).increment();
  }

  public void slowClientDisconnected() {
    slowClientDisconnects.increment();
  }

  public void resumed() {
    resumes.increment();
  }

  public void reset() {
    resets.increment();
  }

  public void rejected() {
    rejectedConnections.increment();
  }

  /** Open connections of one channel (gauge). */
  public int connections(Channel channel) {
    return gauge(channel).get();
  }

  /** Live-event subscriptions held by open connections (gauge); zero when nothing is connected. */
  public int busConsumers() {
    return busConsumers.get();
  }

  public long eventsSent() {
    return sseEvents.sum() + wsEvents.sum();
  }

  public long eventsSent(Channel channel) {
    return (channel == Channel.SSE ? sseEvents : wsEvents).sum();
  }

  public long slowClientDisconnects() {
    return slowClientDisconnects.sum();
  }

  /** Resume attempts (Last-Event-ID, lastEventId, since), whether replayed or reset. */
  public long resumes() {
    return resumes.sum();
  }

  /** Resumes answered with a reset and a fresh snapshot. */
  public long resets() {
    return resets.sum();
  }

  /** Connections refused with 503 because the per-instance limit was reached. */
  public long rejectedConnections() {
    return rejectedConnections.sum();
  }

  /**
   * Takes a place for a connection just accepted on the HTTP port (HTTP or WebSocket), unless
   * {@code max} are open already: every true is paired with one {@link #httpConnectionClosed()}.
   */
  public boolean httpConnectionOpened(int max) {
    while (true) {
      int n = httpConnections.get();
      if (n >= max) {
        refusedAtAccept.increment();
        return false;
      }
      if (httpConnections.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  public void httpConnectionClosed() {
    httpConnections.decrementAndGet();
  }

  public void timedOut() {
    timedOut.increment();
  }

  /** Open connections on the HTTP port, WebSockets included (gauge). */
  public int httpConnections() {
    return httpConnections.get();
  }

  /** Connections closed as accepted because the HTTP port's cap (open-file limit minus reserve) was reached. */
  public long refusedAtAccept() {
    return refusedAtAccept.sum();
  }

  /** Connections closed for sending no complete request in time, or none for too long. */
  public long timedOutConnections() {
    return timedOut.sum();
  }
}
