package io.presencegateway.webhook;

import io.presencegateway.store.Subscription;
import io.presencegateway.store.SubscriptionStore;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every receiver deliveries go to: the static ones from the configuration (ids {@code static-N},
 * their on/off and failure run kept in this process) and the stored API subscriptions (read fresh
 * for every batch, so a rotation, an update or a delete made on any instance applies to the next
 * attempt). Also applies the two switch-off rules: {@code 410 Gone}, and failing without a single
 * success for {@code disableAfter}. Used on the webhook verticle's context only.
 */
final class SubscriptionDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionDirectory.class);

  private final List<Receiver> statics;
  private final SubscriptionStore store;
  private final Duration disableAfter;
  private final Map<String, Long> staticFailingSince = new HashMap<>();
  private final Map<String, String> staticDisabled = new HashMap<>();

  SubscriptionDirectory(List<Receiver> statics, SubscriptionStore store, Duration disableAfter) {
    this.statics = List.copyOf(statics);
    this.store = store;
    this.disableAfter = disableAfter;
  }

  /** Every target by id, static ones first. */
  Future<Map<String, Target>> current(long nowMs) {
    return store.list().map(subs -> {
      Map<String, Target> out = new LinkedHashMap<>();
      statics.forEach(r -> out.put(r.id(), new Target(r, !staticDisabled.containsKey(r.id()), null)));
      for (Subscription s : subs) {
        try {
          out.put(s.id(), new Target(Receiver.fromSubscription(s, nowMs), s.enabled(), s));
        } catch (IllegalArgumentException e) {
          LOG.error("Webhook subscription {} cannot be used: {}", s.id(), e.getMessage());
        }
      }
      return out;
    });
  }

  List<Receiver> statics() {
    return statics;
  }

  /** A delivery succeeded: the failure run, if any, ends. */
  Future<Void> succeeded(Target t) {
    if (t.builtIn()) {
      staticFailingSince.remove(t.id());
      return Future.succeededFuture();
    }
    if (t.subscription().failingSinceMs() == 0) {
      return Future.succeededFuture(); // the common case costs no write
    }
    return update(t.id(), s -> s.withFailingSince(0));
  }

  /** A delivery failed: starts the failure run, or switches the target off when it has lasted too long. */
  Future<Void> failed(Target t, long nowMs) {
    long since = t.builtIn() ? staticFailingSince.getOrDefault(t.id(), 0L) : t.subscription().failingSinceMs();
    if (since == 0) {
      if (t.builtIn()) {
        staticFailingSince.put(t.id(), nowMs);
        return Future.succeededFuture();
      }
      return update(t.id(), s -> s.failingSinceMs() == 0 ? s.withFailingSince(nowMs) : s);
    }
    if (nowMs - since >= disableAfter.toMillis()) {
      return disable(t, "failing without a success since " + java.time.Instant.ofEpochMilli(since));
    }
    return Future.succeededFuture();
  }

  Future<Void> disable(Target t, String reason) {
    LOG.error("Webhook receiver {} ({}) is disabled: {}", t.id(), t.receiver().host(), reason);
    if (t.builtIn()) {
      staticDisabled.put(t.id(), reason);
      return Future.succeededFuture();
    }
    return update(t.id(), s -> s.disabled(reason));
  }

  /** Read, change, write: a change made through the API in between is kept (only this field moves). */
  private Future<Void> update(String id, java.util.function.UnaryOperator<Subscription> change) {
    return store.get(id).compose(found -> found.isEmpty() ? Future.succeededFuture() : store.put(change.apply(found.get())));
  }
}
