package io.presencegateway.store;

import io.vertx.core.Future;

import java.util.List;
import java.util.Optional;

/**
 * Webhook subscriptions made through the API (the static {@code WEBHOOK_URL}/{@code WEBHOOKS}
 * receivers are configuration, not stored). Memory or Redis, like the presence store; with Redis
 * every instance sees the same subscriptions.
 */
public interface SubscriptionStore {

  /** Creates or replaces the subscription with this id. */
  Future<Void> put(Subscription subscription);

  Future<Optional<Subscription>> get(String id);

  /** Every subscription, oldest first (creation time, then id): the order the API pages in. */
  Future<List<Subscription>> list();

  /** @return whether it existed */
  Future<Boolean> delete(String id);
}
