package io.presencegateway.webhook;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.store.Subscription;
import io.presencegateway.store.SubscriptionStore;
import io.presencegateway.store.WebhookStores;
import io.presencegateway.store.redis.RedisWebhookStores;
import io.presencegateway.testsupport.StandardWebhooksVerifier;
import io.presencegateway.testsupport.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The directory builds a subscription's {@link Receiver} (URL, signing keys, filter) once and reuses
 * it for every claim round while the subscription's URL, signing secrets and filter stay the same; an
 * edit of any of those (on any instance: the list is still read fresh for every round), a rotation,
 * the end of a rotation overlap and a delete all show at the next round.
 */
@ExtendWith(VertxExtension.class)
class SubscriptionDirectoryCacheTest {
  private static final long NOW = 1_700_000_000_000L;
  private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

  private static SubscriptionStore store(Vertx vertx, String kind) {
    if (kind.equals("memory")) {
      return WebhookStores.memory().subscriptions();
    }
    TestRedis.get().flushAll();
    return RedisWebhookStores.create(vertx, new GatewayConfig.Store(TestRedis.get().url(), 100, 2_000)).subscriptions();
  }

  private static Subscription subscription(String id, String secret) {
    return new Subscription(id, "https://example.com/hook/" + id, secret, null, 0, List.of(), List.of(), "d", true,
        null, 1_000, 0);
  }

  private static Receiver receiver(SubscriptionDirectory directory, String id, long nowMs) {
    Target t = result(directory.current(nowMs)).get(id);
    return t == null ? null : t.receiver();
  }

  /** Verifies a signature made now by the receiver with {@code secret}; throws when it does not verify. */
  private static void signsWith(Receiver r, String secret) {
    long ts = NOW / 1000;
    new StandardWebhooksVerifier(secret).verify("msg_1", Long.toString(ts), r.signer().sign("msg_1", ts, BODY), BODY, ts);
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void anUnchangedSubscriptionKeepsItsReceiverAndOnlyTheChangedOneIsRebuilt(String kind, Vertx vertx) {
    SubscriptionStore store = store(vertx, kind);
    String secretA = WebhookSigner.generateSecret();
    Subscription a = subscription("sub_a", secretA);
    Subscription b = subscription("sub_b", WebhookSigner.generateSecret());
    result(store.put(a));
    result(store.put(b));
    SubscriptionDirectory directory = new SubscriptionDirectory(List.of(), store, Duration.ofDays(5));

    Receiver a1 = receiver(directory, "sub_a", NOW);
    Receiver b1 = receiver(directory, "sub_b", NOW);
    assertThat(directory.receiversBuilt()).isEqualTo(2);
    for (int i = 0; i < 5; i++) {
      assertThat(receiver(directory, "sub_a", NOW + i)).isSameAs(a1);
    }
    assertThat(directory.receiversBuilt()).as("no rebuild while nothing changed").isEqualTo(2);

    // delivery bookkeeping changes the record but not what the receiver is made of
    result(store.update("sub_a", s -> s.withFailingSince(NOW)));
    Map<String, Target> targets = result(directory.current(NOW));
    assertThat(targets.get("sub_a").receiver()).isSameAs(a1);
    assertThat(targets.get("sub_a").subscription().failingSinceMs()).as("the record itself is fresh").isEqualTo(NOW);
    result(store.update("sub_a", s -> s.disabled("by hand")));
    assertThat(result(directory.current(NOW)).get("sub_a").enabled()).isFalse();
    assertThat(directory.receiversBuilt()).isEqualTo(2);

    // an API edit of the URL and filter
    result(store.update("sub_b", s -> new Subscription(s.id(), "https://example.com/other", s.secret(), null, 0,
        List.of(), List.of("call"), s.description(), true, null, s.createdAtMs(), 0)));
    Receiver b2 = receiver(directory, "sub_b", NOW);
    assertThat(b2).isNotSameAs(b1);
    assertThat(b2.url().toString()).isEqualTo("https://example.com/other");
    assertThat(b2.filter().statuses()).containsExactly("call");
    assertThat(receiver(directory, "sub_a", NOW)).as("the other one is untouched").isSameAs(a1);
    assertThat(directory.receiversBuilt()).isEqualTo(3);
    signsWith(a1, secretA);
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aRotationSignsWithBothSecretsUntilTheOverlapEndsThenWithTheNewOneOnly(String kind, Vertx vertx) {
    SubscriptionStore store = store(vertx, kind);
    String oldSecret = WebhookSigner.generateSecret();
    String newSecret = WebhookSigner.generateSecret();
    result(store.put(subscription("sub_r", oldSecret)));
    SubscriptionDirectory directory = new SubscriptionDirectory(List.of(), store, Duration.ofDays(5));
    Receiver before = receiver(directory, "sub_r", NOW);
    signsWith(before, oldSecret);

    result(store.update("sub_r", s -> s.rotated(newSecret, NOW + 60_000)));
    Receiver overlap = receiver(directory, "sub_r", NOW);
    assertThat(overlap).isNotSameAs(before);
    signsWith(overlap, newSecret);
    signsWith(overlap, oldSecret);
    assertThat(receiver(directory, "sub_r", NOW + 59_999)).isSameAs(overlap);

    Receiver after = receiver(directory, "sub_r", NOW + 60_000);
    assertThat(after).isNotSameAs(overlap);
    signsWith(after, newSecret);
    assertThatThrownBy(() -> signsWith(after, oldSecret)).as("the old secret no longer signs").isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aDeletedSubscriptionIsGoneAtTheNextRoundAndARecreatedOneGetsAFreshReceiver(String kind, Vertx vertx) {
    SubscriptionStore store = store(vertx, kind);
    String secret = WebhookSigner.generateSecret();
    result(store.put(subscription("sub_d", secret)));
    SubscriptionDirectory directory = new SubscriptionDirectory(List.of(), store, Duration.ofDays(5));
    Receiver first = receiver(directory, "sub_d", NOW);
    assertThat(first).isNotNull();

    result(store.delete("sub_d"));
    assertThat(result(directory.current(NOW))).doesNotContainKey("sub_d");

    // the same id and parts again: nothing of the deleted one is kept
    result(store.put(subscription("sub_d", secret)));
    Receiver again = receiver(directory, "sub_d", NOW);
    assertThat(again).isNotNull().isNotSameAs(first);
    assertThatCode(() -> signsWith(again, secret)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aSubscriptionThatCannotBeUsedIsLeftOutAndUsableOnceFixed(String kind, Vertx vertx) {
    SubscriptionStore store = store(vertx, kind);
    Subscription bad = new Subscription("sub_bad", "https://example.com/hook", "not-a-secret", null, 0, List.of(),
        List.of(), "d", true, null, 1_000, 0);
    result(store.put(bad));
    SubscriptionDirectory directory = new SubscriptionDirectory(List.of(), store, Duration.ofDays(5));
    assertThat(result(directory.current(NOW))).doesNotContainKey("sub_bad");
    assertThat(result(directory.current(NOW))).doesNotContainKey("sub_bad");
    assertThat(directory.receiversBuilt()).as("tried once per version, not per round").isEqualTo(1);

    String secret = WebhookSigner.generateSecret();
    result(store.put(subscription("sub_bad", secret)));
    Receiver fixed = receiver(directory, "sub_bad", NOW);
    assertThat(fixed).isNotNull();
    signsWith(fixed, secret);
  }
}
