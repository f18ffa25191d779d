package io.presencegateway.store;

import io.vertx.core.Future;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Webhook subscriptions made through the API (the static {@code WEBHOOK_URL}/{@code WEBHOOKS}
 * receivers are configuration, not stored). Memory or Redis, like the presence store; with Redis
 * every instance sees the same subscriptions.
 *
 * <p>The API (edits, secret rotation, delete) and the delivery bookkeeping (failure run,
 * auto-disable, 410) change the same records from several instances at once. Every change of an
 * existing subscription therefore goes through {@link #update}: a compare-and-set on the version
 * read, repeated on the fresh record when someone wrote in between, and never a write to a
 * subscription that was deleted meanwhile.
 */
public interface SubscriptionStore {
  /** Compare-and-set rounds one update may take before it gives up (each lost round means another write won). */
  int UPDATE_TRIES = 64; // each round one writer wins: n concurrent writers finish within n rounds

  /** A stored subscription and the version a {@link #replace} must still find. */
  record Stored(Subscription subscription, String version) { }

  /** Creates the subscription with this id (a new, random id: nothing to race with). */
  Future<Void> put(Subscription subscription);

  Future<Optional<Stored>> read(String id);

  default Future<Optional<Subscription>> get(String id) {
    return read(id).map(found -> found.map(Stored::subscription));
  }

  /**
   * Writes {@code next} only if the subscription still has {@code expected}'s version: false when it
   * was changed or deleted since it was read (a deleted one is never written back).
   */
  Future<Boolean> replace(Stored expected, Subscription next);

  /**
   * Changes one subscription atomically: reads it, applies {@code change}, and writes only if nobody
   * wrote in between, else tries again on the fresh record ({@code change} may run more than once, so
   * it must only compute). Empty when there is no such subscription (deleted): nothing is created.
   * A change that changes nothing writes nothing.
   */
  default Future<Optional<Subscription>> update(String id, UnaryOperator<Subscription> change) {
    return updateRound(id, change, UPDATE_TRIES);
  }

  private Future<Optional<Subscription>> updateRound(String id, UnaryOperator<Subscription> change, int triesLeft) {
    return read(id).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(Optional.empty());
      }
      Subscription next = change.apply(found.get().subscription());
      if (next.equals(found.get().subscription())) {
        return Future.succeededFuture(Optional.of(next));
      }
      return replace(found.get(), next).compose(written -> written ? Future.succeededFuture(Optional.of(next))
          : triesLeft > 1 ? updateRound(id, change, triesLeft - 1)
          : Future.failedFuture(new IllegalStateException("subscription " + id + " kept changing under "
              + UPDATE_TRIES + " updates in a row; not updated")));
    });
  }

  /** Every subscription, oldest first (creation time, then id): the order the API pages in. */
  Future<List<Subscription>> list();

  /** @return whether it existed */
  Future<Boolean> delete(String id);
}
