package io.presencegateway.store.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** One Redis client with the command timeout and the EVALSHA-then-EVAL fallback, for the webhook stores. */
final class RedisCommands {
  private final Redis redis;
  private final long timeoutMs;

  RedisCommands(Redis redis, long timeoutMs) {
    this.redis = redis;
    this.timeoutMs = timeoutMs;
  }

  Future<Response> send(Request request) {
    return redis.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** Sends the requests together, in order, in one round trip (a pipeline, not a transaction). */
  Future<List<Response>> batch(List<Request> requests) {
    return redis.batch(requests).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  Future<Response> run(LuaScript script, List<String> keys, List<String> args) {
    return send(script.evalSha(keys, args)).recover(e -> String.valueOf(e.getMessage()).startsWith("NOSCRIPT")
        ? send(script.eval(keys, args))
        : Future.failedFuture(e));
  }

  Future<Void> close() {
    return redis.close();
  }
}
