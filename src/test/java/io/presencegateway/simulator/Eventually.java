package io.presencegateway.simulator;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.Supplier;

/** Test helper: re-checks an asynchronous condition every 20 ms until it holds or a deadline passes (no sleeps). */
public final class Eventually {
  private Eventually() {
  }

  public static Future<Void> until(Vertx vertx, long timeoutMs, String what, Supplier<Future<Boolean>> condition) {
    Promise<Void> done = Promise.promise();
    check(vertx, System.currentTimeMillis() + timeoutMs, what, condition, done);
    return done.future();
  }

  private static void check(Vertx vertx, long deadline, String what, Supplier<Future<Boolean>> condition, Promise<Void> done) {
    condition.get().onComplete(ar -> {
      if (ar.succeeded() && ar.result()) {
        done.complete();
      } else if (System.currentTimeMillis() > deadline) {
        done.fail(new AssertionError("timed out waiting for: " + what
            + (ar.failed() ? " (last check failed: " + ar.cause() + ")" : "")));
      } else {
        vertx.setTimer(20, t -> check(vertx, deadline, what, condition, done));
      }
    });
  }
}
