package io.presencegateway.store;

import io.presencegateway.config.ConfigException;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.Setting;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.presencegateway.store.memory.MemoryUpstreamStore;
import io.presencegateway.store.memory.MemoryWatchlistStore;
import io.presencegateway.store.redis.RedisPresenceStore;
import io.presencegateway.store.redis.RedisUpstreamStore;
import io.presencegateway.store.redis.RedisWatchlistStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.URI;

/** Picks the store the configuration asks for: Redis when {@code REDIS_URL} is set, else memory. */
public final class Stores {
  private Stores() {
  }

  public static Future<PresenceStore> create(Vertx vertx, GatewayConfig.Store config) {
    if (!config.redis()) {
      return Future.succeededFuture(new MemoryPresenceStore(vertx, config.eventLogSize()));
    }
    RedisPresenceStore store = RedisPresenceStore.create(vertx, config);
    // one round trip at start, so that a wrong URL or a missing server is one clear line, not a
    // stream of retries; once started, the store reconnects by itself
    return store.firstPing()
        .<PresenceStore>map(store)
        .recover(e -> store.close().transform(ignored -> Future.failedFuture(new ConfigException(Setting.REDIS_URL,
            "cannot reach Redis at " + withoutCredentials(config.redisUrl()) + " (" + e.getMessage() + ")"))));
  }

  /** The watch list store beside {@code create}'s: shared through Redis when it is used. */
  public static WatchlistStore watchlist(Vertx vertx, GatewayConfig.Store config) {
    return config.redis() ? new RedisWatchlistStore(vertx, config) : new MemoryWatchlistStore();
  }

  /** Tokens, refresh lock and throttle deadline: shared through Redis when it is used. */
  public static UpstreamStore upstream(Vertx vertx, GatewayConfig.Store config) {
    return config.redis() ? new RedisUpstreamStore(vertx, config) : new MemoryUpstreamStore();
  }

  /** The URL as it may appear in a log line: scheme, host, port and db, never a password. */
  static String withoutCredentials(String url) {
    try {
      URI u = URI.create(url);
      return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort()) + (u.getPath() == null ? "" : u.getPath());
    } catch (IllegalArgumentException e) {
      return "(unparseable URL)";
    }
  }
}
