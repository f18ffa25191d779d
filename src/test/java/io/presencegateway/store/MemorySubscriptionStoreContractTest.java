package io.presencegateway.store;

import io.presencegateway.store.memory.MemorySubscriptionStore;
import io.vertx.core.Vertx;

class MemorySubscriptionStoreContractTest extends SubscriptionStoreContract {
  private MemorySubscriptionStore shared;

  @Override
  protected SubscriptionStore newStore(Vertx vertx) {
    shared = new MemorySubscriptionStore();
    return shared;
  }

  @Override
  protected SubscriptionStore sameStore(Vertx vertx) {
    return shared; // one process: the same object is the other view
  }
}
