package io.presencegateway.store.memory;

import io.presencegateway.store.Subscription;
import io.presencegateway.store.SubscriptionStore;
import io.vertx.core.Future;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Subscriptions in process memory: one instance, gone on restart. Thread-safe (HTTP verticles share it). */
public final class MemorySubscriptionStore implements SubscriptionStore {
  private final Map<String, Subscription> byId = new HashMap<>();

  @Override
  public synchronized Future<Void> put(Subscription subscription) {
    byId.put(subscription.id(), subscription);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Optional<Subscription>> get(String id) {
    return Future.succeededFuture(Optional.ofNullable(byId.get(id)));
  }

  @Override
  public synchronized Future<List<Subscription>> list() {
    return Future.succeededFuture(byId.values().stream()
        .sorted(Comparator.comparingLong(Subscription::createdAtMs).thenComparing(Subscription::id)).toList());
  }

  @Override
  public synchronized Future<Boolean> delete(String id) {
    return Future.succeededFuture(byId.remove(id) != null);
  }
}
