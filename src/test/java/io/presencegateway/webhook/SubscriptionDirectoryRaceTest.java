package io.presencegateway.webhook;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.store.Subscription;
import io.presencegateway.store.SubscriptionStore;
import io.presencegateway.store.WebhookStores;
import io.presencegateway.store.redis.RedisWebhookStores;
import io.presencegateway.testsupport.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delivery bookkeeping (failure run, auto-disable, 410) against API edits made at the same moment,
 * on both stores: an API write lands right after the directory read the subscription and before it
 * writes. The bookkeeping must neither undo the API edit nor bring a deleted subscription back.
 */
@ExtendWith(VertxExtension.class)
class SubscriptionDirectoryRaceTest {
  private static final long NOW = 1_700_000_000_000L;

  private static SubscriptionStore store(Vertx vertx, String kind) {
    if (kind.equals("memory")) {
      return WebhookStores.memory().subscriptions();
    }
    TestRedis.get().flushAll();
    return RedisWebhookStores.create(vertx, new GatewayConfig.Store(TestRedis.get().url(), 100, 2_000)).subscriptions();
  }

  private static Subscription subscription(long failingSinceMs) {
    return new Subscription("sub_race", "https://example.com/hook", WebhookSigner.generateSecret(), null, 0, List.of(),
        List.of(), "before", true, null, 1_000, failingSinceMs);
  }

  private static Target target(Subscription s) {
    return new Target(Receiver.fromSubscription(s, NOW), s.enabled(), s);
  }

  /**
   * The store as the directory sees it: after the first read of a subscription (whatever the method),
   * {@code edit} runs on the real store before the read's result is handed back. Default methods run
   * through the proxy, so their own reads and writes are seen too.
   */
  private static SubscriptionStore apiEditAfterFirstRead(SubscriptionStore real, Supplier<Future<?>> edit) {
    AtomicBoolean fired = new AtomicBoolean();
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.isDefault()) {
        return InvocationHandler.invokeDefault(proxy, method, args);
      }
      Object out;
      try {
        out = method.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      boolean read = method.getName().equals("get") || method.getName().equals("read");
      if (read && out instanceof Future<?> f && fired.compareAndSet(false, true)) {
        return f.compose(v -> edit.get().map(x -> v));
      }
      return out;
    };
    return (SubscriptionStore) Proxy.newProxyInstance(SubscriptionStore.class.getClassLoader(),
        new Class<?>[] {SubscriptionStore.class}, handler);
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aFailureRunStartedDuringASecretRotationKeepsTheNewSecret(String kind, Vertx vertx) {
    SubscriptionStore real = store(vertx, kind);
    Subscription s = subscription(0);
    result(real.put(s));
    String rotatedSecret = WebhookSigner.generateSecret();
    SubscriptionDirectory directory = new SubscriptionDirectory(List.of(),
        apiEditAfterFirstRead(real, () -> real.put(s.rotated(rotatedSecret, NOW + 60_000))), Duration.ofDays(5));

    result(directory.failed(target(s), NOW));

    Subscription after = result(real.get(s.id())).orElseThrow();
    // compared as booleans so that a failure never prints a secret
    assertThat(after.secret().equals(rotatedSecret)).as("the new secret of the rotation made through the API").isTrue();
    assertThat(s.secret().equals(after.previousSecret())).as("the old secret still signs").isTrue();
    assertThat(after.failingSinceMs()).as("the delivery bookkeeping").isEqualTo(NOW);
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aSuccessDuringAnApiUpdateKeepsTheUpdate(String kind, Vertx vertx) {
    SubscriptionStore real = store(vertx, kind);
    Subscription s = subscription(NOW - 1_000);
    result(real.put(s));
    Subscription edited = new Subscription(s.id(), "https://example.com/other", s.secret(), null, 0, List.of(),
        List.of("call"), "after", true, null, s.createdAtMs(), s.failingSinceMs());
    SubscriptionDirectory directory = new SubscriptionDirectory(List.of(),
        apiEditAfterFirstRead(real, () -> real.put(edited)), Duration.ofDays(5));

    result(directory.succeeded(target(s)));

    Subscription after = result(real.get(s.id())).orElseThrow();
    assertThat(after.targetUrl()).isEqualTo("https://example.com/other");
    assertThat(after.statuses()).containsExactly("call");
    assertThat(after.description()).isEqualTo("after");
    assertThat(after.failingSinceMs()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void disablingASubscriptionDeletedMeanwhileDoesNotBringItBack(String kind, Vertx vertx) {
    SubscriptionStore real = store(vertx, kind);
    Subscription s = subscription(0);
    result(real.put(s));
    SubscriptionDirectory directory = new SubscriptionDirectory(List.of(),
        apiEditAfterFirstRead(real, () -> real.delete(s.id())), Duration.ofDays(5));

    result(directory.disable(target(s), "the receiver answered 410 Gone"));

    assertThat(result(real.get(s.id()))).isEmpty();
    assertThat(result(real.list())).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"memory", "redis"})
  void aFailureRunOfASubscriptionDeletedMeanwhileDoesNotBringItBack(String kind, Vertx vertx) {
    SubscriptionStore real = store(vertx, kind);
    Subscription s = subscription(0);
    result(real.put(s));
    SubscriptionDirectory directory = new SubscriptionDirectory(List.of(),
        apiEditAfterFirstRead(real, () -> real.delete(s.id())), Duration.ofDays(5));

    result(directory.failed(target(s), NOW));

    assertThat(result(real.get(s.id()))).isEmpty();
    assertThat(result(real.list())).isEmpty();
  }
}
