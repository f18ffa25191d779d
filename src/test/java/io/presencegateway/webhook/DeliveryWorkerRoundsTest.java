package io.presencegateway.webhook;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.Setting;
import io.presencegateway.metrics.GatewayMetrics;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.store.DeliveryStore;
import io.presencegateway.store.WebhookStores;
import io.presencegateway.webhook.WebhookTestSupport.Backend;
import io.presencegateway.webhook.WebhookTestSupport.Stores;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.presencegateway.webhook.WebhookTestSupport.await;
import static io.presencegateway.webhook.WebhookTestSupport.config;
import static io.presencegateway.webhook.WebhookTestSupport.deploy;
import static io.presencegateway.webhook.WebhookTestSupport.emit;
import static io.presencegateway.webhook.WebhookTestSupport.person;
import static io.presencegateway.webhook.WebhookTestSupport.quietFor;
import static io.presencegateway.webhook.WebhookTestSupport.receiver;
import static io.presencegateway.webhook.WebhookTestSupport.state;
import static io.presencegateway.webhook.WebhookTestSupport.stores;
import static io.presencegateway.webhook.WebhookTestSupport.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the delivery worker claims: asks for a claim round made in one event-loop turn share one round,
 * and a burst spread over many subscriptions has every subscription working at once, each at its
 * limit and never above it.
 */
@ExtendWith(VertxExtension.class)
class DeliveryWorkerRoundsTest {

  /** The store as the worker sees it, counting claim calls. */
  private static DeliveryStore countingClaims(DeliveryStore real, AtomicInteger claims) {
    return (DeliveryStore) Proxy.newProxyInstance(DeliveryStore.class.getClassLoader(), new Class<?>[] {DeliveryStore.class},
        (proxy, method, args) -> {
          if (method.getName().equals("claim")) {
            claims.incrementAndGet();
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }

  @Test
  void manyAsksInOneEventLoopTurnMakeOneClaimRound(Vertx vertx) throws Exception {
    AtomicInteger claims = new AtomicInteger();
    WebhookStores stores = WebhookStores.memory();
    GatewayServices services = new GatewayServices(config(new JsonArray()), WebhookTestSupport.store(vertx), new PollStatus(), stores);
    Context context = vertx.getOrCreateContext();
    Promise<long[]> seen = Promise.promise();
    context.runOnContext(v -> {
      DeliveryWorker worker = new DeliveryWorker(vertx, countingClaims(stores.deliveries(), claims),
          new SubscriptionDirectory(List.of(), stores.subscriptions(), Duration.ofDays(5)),
          new RetryPolicy(List.of(Duration.ofMillis(100))), new DeliveryLog(10), new TargetGuard(true),
          GatewayMetrics.of(services), 1_000);
      for (int i = 0; i < 50; i++) {
        worker.wake(); // as 50 attempts finishing in the same turn do
      }
      long before = worker.rounds();
      // queued behind the round the asks made: runs once that round is over
      context.runOnContext(w -> {
        long[] counts = {before, worker.rounds(), claims.get()};
        worker.stop(0).onComplete(x -> seen.complete(counts));
      });
    });
    long[] counts = await(seen.future());
    assertThat(counts[0]).as("no round runs inside the turn that asked").isZero();
    assertThat(counts[1]).as("rounds after 50 asks in one turn").isEqualTo(1);
    assertThat(counts[2]).as("claim calls").isEqualTo(1);
  }

  /**
   * 100 subscriptions, 5 events each, a receiver that holds every answer: all 100 get their 4
   * attempts out at once (400 requests open, as the benchmark's ceiling assumes), none more; once the
   * answers come, the fifth event of each follows.
   */
  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void aBurstOverManySubscriptionsHasEverySubscriptionAtItsLimitAtOnce(Backend backend, Vertx vertx) throws Exception {
    int subscriptions = 100;
    int events = 5;
    int limit = WebhookVerticle.MAX_IN_FLIGHT;
    List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
    AtomicInteger releasing = new AtomicInteger();
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    rx.answer((req, r, i) -> {
      if (releasing.get() == 0) {
        held.add(req);
      } else {
        req.response().setStatusCode(204).end();
      }
    });
    JsonArray receivers = new JsonArray();
    for (int s = 0; s < subscriptions; s++) {
      receivers.add(receiver(rx.url() + "/" + s, WebhookSigner.generateSecret()));
    }
    Stores stores = stores(vertx, backend);
    await(deploy(vertx, config(receivers, Setting.WEBHOOK_TIMEOUT_MS, "30000"), stores));
    for (int e = 0; e < events; e++) {
      emit(stores.presence(), state(person(), "call", "n" + e));
    }

    until(vertx, 20_000, subscriptions * limit + " requests open", () -> held.size() >= subscriptions * limit);
    quietFor(vertx, 300); // nothing more may come while every slot is taken
    assertThat(held).hasSize(subscriptions * limit);
    Map<String, Long> perPath = rx.received.stream().collect(Collectors.groupingBy(FakeReceiver.Received::path,
        Collectors.counting()));
    assertThat(perPath).hasSize(subscriptions).allSatisfy((path, n) -> assertThat(n).isEqualTo((long) limit));

    releasing.set(1);
    vertx.runOnContext(v -> held.forEach(req -> req.response().setStatusCode(204).end()));
    until(vertx, 20_000, "every event at every subscription", () -> rx.received.size() >= subscriptions * events);
    Set<String> pairs = new HashSet<>();
    List<String> duplicates = new ArrayList<>();
    rx.received.forEach(r -> {
      if (!pairs.add(r.path() + " " + r.id())) {
        duplicates.add(r.path() + " " + r.id());
      }
    });
    assertThat(duplicates).isEmpty();
    assertThat(pairs).hasSize(subscriptions * events);
  }
}
