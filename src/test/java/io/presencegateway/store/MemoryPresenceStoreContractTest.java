package io.presencegateway.store;

import io.presencegateway.store.memory.MemoryPresenceStore;
import io.vertx.core.Vertx;

class MemoryPresenceStoreContractTest extends PresenceStoreContract {
  @Override
  protected PresenceStore newStore(Vertx vertx, int logSize) {
    return new MemoryPresenceStore(vertx, logSize);
  }
}
