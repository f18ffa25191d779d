package io.presencegateway.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Collects what an asynchronous client receives; the JUnit thread waits for a count with a deadline
 * (a condition wait, not a sleep).
 */
public final class Recorder<T> {
  private final List<T> items = new ArrayList<>();

  public synchronized void add(T item) {
    items.add(item);
    notifyAll();
  }

  /** The first {@code count} items, waiting up to {@code timeout} for them. */
  public synchronized List<T> await(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (items.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("expected " + count + " items within " + timeout + ", got " + items.size() + ": " + items);
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return new ArrayList<>(items.subList(0, count));
  }

  public synchronized List<T> all() {
    return new ArrayList<>(items);
  }

  public synchronized int size() {
    return items.size();
  }

  /**
   * Waits until a condition holds, re-checking it every {@code stepMs} (a timed condition wait on a
   * private monitor, bounded by the deadline).
   */
  public static void until(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Object monitor = new Object();
    synchronized (monitor) {
      while (!condition.getAsBoolean()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("timed out after " + timeout + " waiting for " + what);
        }
        monitor.wait(20);
      }
    }
  }
}
