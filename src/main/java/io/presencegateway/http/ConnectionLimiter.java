package io.presencegateway.http;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The per-instance cap on SSE + WebSocket connections, counted across every HTTP verticle instance
 * (every event loop) of one gateway.
 */
public final class ConnectionLimiter {
  private final int max;
  private final AtomicInteger open = new AtomicInteger();

  public ConnectionLimiter(int max) {
    this.max = max;
  }

  /** Takes a slot; false when the instance is full. Every true must be paired with one {@link #release()}. */
  public boolean tryAcquire() {
    while (true) {
      int n = open.get();
      if (n >= max) {
        return false;
      }
      if (open.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  public void release() {
    open.decrementAndGet();
  }

  public int open() {
    return open.get();
  }
}
