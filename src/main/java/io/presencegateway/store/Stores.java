package io.presencegateway.store;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.Setting;
import io.presencegateway.config.ConfigException;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Picks the store the configuration asks for. */
public final class Stores {
  private Stores() {
  }

  public static Future<PresenceStore> create(Vertx vertx, GatewayConfig.Store config) {
    if (!config.redis()) {
      return Future.succeededFuture(new MemoryPresenceStore(vertx, config.eventLogSize()));
    }
    return Future.failedFuture(new ConfigException(Setting.REDIS_URL, "the Redis store is not available in this build yet"));
  }
}
