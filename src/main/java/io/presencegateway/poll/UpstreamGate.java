package io.presencegateway.poll;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * The one limiter every call to Webex passes (People API and token refresh alike): at most
 * {@code maxInFlight} requests at a time, and none at all while a throttle pause runs; a call
 * attempted during a pause fails at once as {@link UpstreamException.Kind#THROTTLED} without
 * reaching Webex. Counts the calls it lets through. Use from one event loop (the poller's).
 */
public final class UpstreamGate {
  private final int maxInFlight;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;
  private long pausedUntil;
  private long calls;

  public UpstreamGate(int maxInFlight) {
    this.maxInFlight = Math.max(1, maxInFlight);
  }

  public <T> Future<T> call(Supplier<Future<T>> request) {
    Promise<T> result = Promise.promise();
    Runnable start = () -> {
      long wait = pausedUntil - System.currentTimeMillis();
      if (wait > 0) {
        finished();
        result.fail(new UpstreamException(UpstreamException.Kind.THROTTLED, "throttled: no call to Webex for another "
            + wait + " ms", 0, Duration.ofMillis(wait), null));
        return;
      }
      calls++;
      Future<T> sent;
      try {
        sent = request.get();
      } catch (RuntimeException e) {
        sent = Future.failedFuture(e);
      }
      sent.onComplete(ar -> finished()).onComplete(result);
    };
    if (inFlight < maxInFlight) {
      inFlight++;
      start.run();
    } else {
      waiting.add(start);
    }
    return result.future();
  }

  private void finished() {
    Runnable next = waiting.poll();
    if (next == null) {
      inFlight--;
    } else {
      next.run();
    }
  }

  /** No call before {@code epochMs}; a shorter pause never cuts a longer one. */
  public void pauseUntil(long epochMs) {
    pausedUntil = Math.max(pausedUntil, epochMs);
  }

  public long pausedUntil() {
    return pausedUntil;
  }

  /** Calls let through so far. */
  public long calls() {
    return calls;
  }
}
