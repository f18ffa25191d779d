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
 * attempt). The {@link Receiver} of a subscription (parsed URL, decoded signing keys, filter) is
 * built once and reused while what it is made of (URL, the secrets signing now, filter) stays the
 * same; any change of those, the end of a rotation overlap, or a delete drops it. Also applies the two switch-off rules: {@code 410 Gone}, and failing without a single
 * success for {@code disableAfter}. Its writes to a stored subscription change only the delivery
 * fields, with {@link SubscriptionStore#update} (compare-and-set on the fresh record), so an API edit
 * made meanwhile on any instance stays and a subscription deleted meanwhile stays deleted. Used on the
 * webhook verticle's context only.
 *
 * <p>The static receivers' state stays in this process on purpose: they are configuration, the API
 * refuses to change them, so a restart (after fixing the receiver or its URL) is how an operator
 * switches one back on. Kept in the store, a 410 would switch it off for good with no way back, and
 * {@code static-N} names a position in the configuration, not a receiver. The cost: with several
 * instances each one learns a 410 or a long failure run by itself.
 */
final class SubscriptionDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionDirectory.class);

  private final List<Receiver> statics;
  private final SubscriptionStore store;
  private final Duration disableAfter;
  private final Map<String, Long> staticFailingSince = new HashMap<>();
  private final Map<String, String> staticDisabled = new HashMap<>();
  /** Per stored subscription id: its receiver as last built, and what it was built from. */
  private Map<String, Built> built = new HashMap<>();
  private long receiversBuilt;

  /** What a subscription's {@link Receiver} is made of: equal parts, same receiver. */
  private record Parts(String targetUrl, List<String> secrets, List<String> ids, List<String> statuses) {
    static Parts of(Subscription s, long nowMs) {
      return new Parts(s.targetUrl(), s.signingSecrets(nowMs), s.ids(), s.statuses());
    }
  }

  /** The receiver built from {@code parts}; null when they cannot make one (bad URL, secret or filter). */
  private record Built(Parts parts, Receiver receiver) { }

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
      Map<String, Built> next = new HashMap<>();
      for (Subscription s : subs) {
        Built b = receiverOf(s, nowMs);
        next.put(s.id(), b);
        if (b.receiver() != null) {
          out.put(s.id(), new Target(b.receiver(), s.enabled(), s));
        }
      }
      built = next; // deleted subscriptions' receivers go
      return out;
    });
  }

  /** The subscription's receiver: the one built before while its parts are unchanged, else a new one. */
  private Built receiverOf(Subscription s, long nowMs) {
    Parts parts = Parts.of(s, nowMs);
    Built b = built.get(s.id());
    if (b != null && b.parts().equals(parts)) {
      return b;
    }
    receiversBuilt++;
    try {
      return new Built(parts, Receiver.fromSubscription(s, nowMs));
    } catch (IllegalArgumentException e) {
      LOG.error("Webhook subscription {} cannot be used: {}", s.id(), e.getMessage()); // once per version of it
      return new Built(parts, null);
    }
  }

  /** How many subscription receivers were built so far (for tests: unchanged subscriptions cost none). */
  long receiversBuilt() {
    return receiversBuilt;
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
    return store.update(t.id(), s -> s.withFailingSince(0)).mapEmpty();
  }

  /** A delivery failed: starts the failure run, or switches the target off when it has lasted too long. */
  Future<Void> failed(Target t, long nowMs) {
    if (t.builtIn()) {
      Long since = staticFailingSince.putIfAbsent(t.id(), nowMs);
      return since != null && nowMs - since >= disableAfter.toMillis() ? disable(t, failingSince(since)) : Future.succeededFuture();
    }
    long seen = t.subscription().failingSinceMs();
    if (seen != 0 && nowMs - seen < disableAfter.toMillis()) {
      return Future.succeededFuture(); // a run is on and not too long yet: no write
    }
    // decided on the record as stored now: an API re-enable or update in between is not undone
    return store.update(t.id(), s -> s.failingSinceMs() == 0 ? s.withFailingSince(nowMs)
            : s.enabled() && nowMs - s.failingSinceMs() >= disableAfter.toMillis() ? s.disabled(failingSince(s.failingSinceMs()))
            : s)
        .map(after -> {
          after.filter(s -> !s.enabled() && failingSince(s.failingSinceMs()).equals(s.disabledReason()))
              .ifPresent(s -> logDisabled(t, s.disabledReason()));
          return null;
        });
  }

  private static String failingSince(long sinceMs) {
    return "failing without a success since " + java.time.Instant.ofEpochMilli(sinceMs);
  }

  Future<Void> disable(Target t, String reason) {
    if (t.builtIn()) {
      logDisabled(t, reason);
      staticDisabled.put(t.id(), reason);
      return Future.succeededFuture();
    }
    return store.update(t.id(), s -> s.enabled() ? s.disabled(reason) : s).map(after -> {
      after.filter(s -> reason.equals(s.disabledReason())).ifPresent(s -> logDisabled(t, reason));
      return null;
    });
  }

  private static void logDisabled(Target t, String reason) {
    LOG.error("Webhook receiver {} ({}) is disabled: {}", t.id(), t.receiver().host(), reason);
  }
}
