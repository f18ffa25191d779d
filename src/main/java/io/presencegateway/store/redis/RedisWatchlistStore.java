package io.presencegateway.store.redis;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.store.WatchlistStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.List;
import java.util.Optional;

/** The watch list as one JSON string under {@code {pg}:watch}, swapped with a compare-and-set script. */
public final class RedisWatchlistStore implements WatchlistStore {
  static final String KEY = "{pg}:watch";

  private final RedisCalls redis;
  private final LuaScript compareAndSet = LuaScript.load("compare-and-set");

  public RedisWatchlistStore(Vertx vertx, GatewayConfig.Store config) {
    this.redis = new RedisCalls(vertx, config);
  }

  @Override
  public Future<Optional<GatewayConfig.Watch>> watch() {
    return redis.send(Request.cmd(Command.GET).arg(KEY))
        .map(reply -> reply == null ? Optional.empty() : Optional.of(decode(reply.toString())));
  }

  @Override
  public Future<Boolean> compareAndSet(Optional<GatewayConfig.Watch> expected, GatewayConfig.Watch next) {
    return redis.run(compareAndSet, List.of(KEY), expected.map(RedisWatchlistStore::encode).orElse(""), encode(next))
        .map(reply -> reply.toLong() == 1L);
  }

  /** Canonical: the same list always encodes to the same string, which the script compares. */
  static String encode(GatewayConfig.Watch watch) {
    return new JsonObject().put("org", watch.org()).put("ids", new JsonArray(watch.ids())).encode();
  }

  static GatewayConfig.Watch decode(String json) {
    JsonObject o = new JsonObject(json);
    return new GatewayConfig.Watch(o.getBoolean("org", false),
        o.getJsonArray("ids", new JsonArray()).stream().map(String::valueOf).toList());
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }
}
