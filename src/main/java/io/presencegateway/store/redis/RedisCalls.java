package io.presencegateway.store.redis;

import io.presencegateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** A small Redis pool of its own with the store's command timeout and the EVALSHA/EVAL fallback. */
final class RedisCalls {
  private static final int POOL_SIZE = 4;

  private final Redis redis;
  private final long timeoutMs;

  RedisCalls(Vertx vertx, GatewayConfig.Store config) {
    this.redis = Redis.createClient(vertx, RedisPresenceStore.options(config, POOL_SIZE));
    this.timeoutMs = config.redisTimeoutMs();
  }

  Future<Response> send(Request request) {
    return redis.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  Future<Response> run(LuaScript script, List<String> keys, String... args) {
    List<String> argList = List.of(args);
    return send(script.evalSha(keys, argList)).recover(e -> String.valueOf(e.getMessage()).startsWith("NOSCRIPT")
        ? send(script.eval(keys, argList))
        : Future.failedFuture(e));
  }

  Future<Void> close() {
    redis.close();
    return Future.succeededFuture();
  }
}
