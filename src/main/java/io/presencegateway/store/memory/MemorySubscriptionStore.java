package io.presencegateway.store.memory;

import io.presencegateway.store.Subscription;
import io.presencegateway.store.SubscriptionStore;
import io.vertx.core.Future;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Subscriptions in process memory: one instance, gone on restart. Thread-safe (HTTP verticles share
 * it); each write gets a new version, so {@link #replace} behaves like the Redis compare-and-set.
 */
public final class MemorySubscriptionStore implements SubscriptionStore {
  private final Map<String, Stored> byId = new HashMap<>();
  private long versions;

  @Override
  public synchronized Future<Void> put(Subscription subscription) {
    byId.put(subscription.id(), stored(subscription));
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Optional<Stored>> read(String id) {
    return Future.succeededFuture(Optional.ofNullable(byId.get(id)));
  }

  @Override
  public synchronized Future<Boolean> replace(Stored expected, Subscription next) {
    String id = expected.subscription().id();
    if (!next.id().equals(id)) {
      return Future.failedFuture(new IllegalArgumentException("replace must keep the id " + id));
    }
    Stored current = byId.get(id);
    if (current == null || !current.version().equals(expected.version())) {
      return Future.succeededFuture(false);
    }
    byId.put(id, stored(next));
    return Future.succeededFuture(true);
  }

  private Stored stored(Subscription s) {
    return new Stored(s, Long.toString(++versions));
  }

  @Override
  public synchronized Future<List<Subscription>> list() {
    return Future.succeededFuture(byId.values().stream().map(Stored::subscription)
        .sorted(Comparator.comparingLong(Subscription::createdAtMs).thenComparing(Subscription::id)).toList());
  }

  @Override
  public synchronized Future<Boolean> delete(String id) {
    return Future.succeededFuture(byId.remove(id) != null);
  }
}
