package io.presencegateway.store.redis;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.store.WebhookStores;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

/** The Redis subscription and delivery stores, on one small client pool of their own. */
public final class RedisWebhookStores {
  private static final int POOL_SIZE = 8;

  private RedisWebhookStores() {
  }

  public static WebhookStores create(Vertx vertx, GatewayConfig.Store config) {
    RedisCommands commands = new RedisCommands(Redis.createClient(vertx, RedisPresenceStore.options(config, POOL_SIZE)),
        config.redisTimeoutMs());
    return new WebhookStores(new RedisSubscriptionStore(commands), new RedisDeliveryStore(commands), commands::close);
  }
}
