package io.presencegateway.store.redis;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.store.StoredToken;
import io.presencegateway.store.UpstreamStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The cluster's upstream state: {@code {pg}:token} (JSON of the token pair, no TTL: the refresh token
 * outlives the access token), {@code {pg}:token:lock} (SET NX PX around one refresh) and
 * {@code {pg}:throttle} (epoch ms deadline with a matching PX TTL). The token entry is lost with the
 * rest of Redis on a restart without persistence or a FLUSHALL: {@link #restoreToken} lets an instance
 * that still knows the newest pair write it back (compare-and-set, {@code restore-token.lua}).
 */
public final class RedisUpstreamStore implements UpstreamStore {
  static final String TOKEN = "{pg}:token";
  static final String LOCK = "{pg}:token:lock";
  static final String THROTTLE = "{pg}:throttle";

  private final RedisCalls redis;
  private final LuaScript releaseLock = LuaScript.load("release-lock");
  private final LuaScript throttleUntil = LuaScript.load("throttle-until");
  private final LuaScript restoreToken = LuaScript.load("restore-token");

  public RedisUpstreamStore(Vertx vertx, GatewayConfig.Store config) {
    this.redis = new RedisCalls(vertx, config);
  }

  @Override
  public Future<Optional<StoredToken>> token() {
    return redis.send(Request.cmd(Command.GET).arg(TOKEN))
        .map(reply -> reply == null ? Optional.empty() : Optional.of(StoredToken.fromJson(new JsonObject(reply.toString()))));
  }

  @Override
  public Future<Void> saveToken(StoredToken token) {
    return redis.send(Request.cmd(Command.SET).arg(TOKEN).arg(token.toJson().encode())).mapEmpty();
  }

  @Override
  public Future<Boolean> restoreToken(StoredToken token) {
    return redis.run(restoreToken, List.of(TOKEN), token.toJson().encode(), token.seed(), Long.toString(token.generation()))
        .map(reply -> reply != null && reply.toInteger() == 1);
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public Future<Boolean> tryRefreshLock(String holder, Duration ttl) {
    return redis.send(Request.cmd(Command.SET).arg(LOCK).arg(holder).arg("NX").arg("PX").arg(Math.max(1, ttl.toMillis())))
        .map(reply -> reply != null && "OK".equals(reply.toString()));
  }

  @Override
  public Future<Void> releaseRefreshLock(String holder) {
    return redis.run(releaseLock, List.of(LOCK), holder).mapEmpty();
  }

  @Override
  public Future<Long> throttledUntil() {
    return redis.send(Request.cmd(Command.GET).arg(THROTTLE)).map(reply -> {
      long until = reply == null ? 0L : Long.parseLong(reply.toString());
      return until > System.currentTimeMillis() ? until : 0L;
    });
  }

  @Override
  public Future<Void> throttleUntil(long epochMs) {
    long ttl = epochMs - System.currentTimeMillis();
    if (ttl <= 0) {
      return Future.succeededFuture();
    }
    return redis.run(throttleUntil, List.of(THROTTLE), Long.toString(epochMs), Long.toString(ttl)).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }
}
