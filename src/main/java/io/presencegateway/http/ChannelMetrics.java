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
}
