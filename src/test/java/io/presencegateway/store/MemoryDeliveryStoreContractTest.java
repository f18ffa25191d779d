package io.presencegateway.store;

import io.presencegateway.store.memory.MemoryDeliveryStore;
import io.vertx.core.Vertx;

class MemoryDeliveryStoreContractTest extends DeliveryStoreContract {
  @Override
  protected DeliveryStore newStore(Vertx vertx) {
    return new MemoryDeliveryStore();
  }
}
