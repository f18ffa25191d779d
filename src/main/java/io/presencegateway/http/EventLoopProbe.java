package io.presencegateway.http;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The liveness check: a no-op task is handed to every Vert.x event loop, and each must run it within
 * a bound. An event loop stuck in blocking code, in an endless loop or starved of CPU does not, and
 * {@code /health/live} turns DOWN (503) until it does again. Nothing here waits: the answer comes
 * from the last task to run or from a timer on the caller's event loop, whichever is first. (When the
 * caller's own event loop is the stuck one, the request gets no answer at all: the probe's timeout
 * counts it as a failure just the same.)
 */
final class EventLoopProbe {
  /**
   * Vert.x warns about a blocked event loop after 2 s; a loop that cannot run an empty task within
   * 1 s is already failing every request it holds. Orchestrators restart only after several failed
   * probes in a row, so one slow moment (a GC pause) does not restart the process.
   */
  static final long BOUND_MS = 1_000;

  private final Vertx vertx;
  private final long boundMs;

  EventLoopProbe(Vertx vertx, long boundMs) {
    this.vertx = vertx;
    this.boundMs = boundMs;
  }

  /** Completes {@code promise} with UP when every event loop ran the task within the bound, else DOWN. */
  void check(Promise<Status> promise) {
    List<EventExecutor> loops = new ArrayList<>();
    // the event loop group is internal API in Vert.x 5; it is the only way to reach every loop
    ((VertxInternal) vertx).nettyEventLoopGroup().forEach(loops::add);
    int count = loops.size();
    Context caller = vertx.getOrCreateContext();
    AtomicLongArray ranAfterNanos = new AtomicLongArray(count);
    AtomicInteger pending = new AtomicInteger(count);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      ranAfterNanos.set(i, -1);
    }
    long timer = vertx.setTimer(boundMs, t -> promise.tryComplete(status(ranAfterNanos)));
    for (int i = 0; i < count; i++) {
      int index = i;
      try {
        loops.get(i).execute(() -> {
          ranAfterNanos.set(index, System.nanoTime() - start);
          if (pending.decrementAndGet() == 0) {
            caller.runOnContext(v -> {
              vertx.cancelTimer(timer);
              promise.tryComplete(status(ranAfterNanos));
            });
          }
        });
      } catch (RejectedExecutionException closing) {
        // a loop that is shutting down counts as not answering
      }
    }
  }

  private Status status(AtomicLongArray ranAfterNanos) {
    int count = ranAfterNanos.length();
    int late = 0;
    long slowest = 0;
    for (int i = 0; i < count; i++) {
      long ran = ranAfterNanos.get(i);
      if (ran < 0 || ran > boundMs * 1_000_000) {
        late++;
      } else {
        slowest = Math.max(slowest, ran);
      }
    }
    JsonObject data = new JsonObject().put("eventLoops", count).put("boundMs", boundMs);
    if (late > 0) {
      return Status.KO(data.put("unanswered", late)
          .put("error", late + " of " + count + " event loops did not run a task within " + boundMs + " ms (blocked or starved)"));
    }
    return Status.OK(data.put("slowestMs", Math.round(slowest / 100_000.0) / 10.0));
  }
}
