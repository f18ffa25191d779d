package io.presencegateway.store;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.store.redis.RedisWebhookStores;
import io.presencegateway.testsupport.TestRedis;
import io.vertx.core.Vertx;

/** The subscription contract on a real Redis; the other view is a second client, as a second instance has. */
class RedisSubscriptionStoreContractTest extends SubscriptionStoreContract {

  @Override
  protected SubscriptionStore newStore(Vertx vertx) {
    TestRedis.get().flushAll();
    return sameStore(vertx);
  }

  @Override
  protected SubscriptionStore sameStore(Vertx vertx) {
    return RedisWebhookStores.create(vertx, new GatewayConfig.Store(TestRedis.get().url(), 100, 2_000)).subscriptions();
  }
}
