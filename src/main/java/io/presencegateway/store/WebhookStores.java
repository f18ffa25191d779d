package io.presencegateway.store;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.store.memory.MemoryDeliveryStore;
import io.presencegateway.store.memory.MemorySubscriptionStore;
import io.presencegateway.store.redis.RedisWebhookStores;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.function.Supplier;

/** The stores of webhook subscriptions and pending deliveries, on the same backend as the presence store. */
public record WebhookStores(SubscriptionStore subscriptions, DeliveryStore deliveries, Supplier<Future<Void>> closer) {

  public static WebhookStores memory() {
    return new WebhookStores(new MemorySubscriptionStore(), new MemoryDeliveryStore(), Future::succeededFuture);
  }

  /** Redis when {@code REDIS_URL} is set (reachability was already proven by the presence store), else memory. */
  public static WebhookStores create(Vertx vertx, GatewayConfig.Store config) {
    return config.redis() ? RedisWebhookStores.create(vertx, config) : memory();
  }

  public Future<Void> close() {
    return closer.get();
  }
}
