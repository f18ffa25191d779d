package io.presencegateway.store;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.store.redis.RedisWebhookStores;
import io.presencegateway.testsupport.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/** The delivery contract on a real Redis, plus what only a shared store shows: a second instance, subscriptions. */
class RedisDeliveryStoreContractTest extends DeliveryStoreContract {
  private Vertx vertx;

  @Override
  protected DeliveryStore newStore(Vertx vertx) {
    this.vertx = vertx;
    TestRedis.get().flushAll();
    return stores(vertx).deliveries();
  }

  private static WebhookStores stores(Vertx vertx) {
    return RedisWebhookStores.create(vertx, new GatewayConfig.Store(TestRedis.get().url(), 100, 2_000));
  }

  @Test
  void twoInstancesNeverClaimTheSameJob() {
    DeliveryStore other = stores(vertx).deliveries();
    for (int i = 0; i < 40; i++) {
      result(store.enqueue(List.of(job("s" + (i % 8), (100 + i) + "-0", "p" + i))));
    }
    long now = System.currentTimeMillis();
    var a = store.claim(now, 30, LEASE, 4, Map.of());
    var b = other.claim(now, 30, LEASE, 4, Map.of());
    java.util.Set<String> byA = ids(result(a));
    java.util.Set<String> byB = ids(result(b));
    assertThat(byA.size() + byB.size()).isEqualTo(40); // each instance has its own 4 slots per subscription
    assertThat(byA).doesNotContainAnyElementsOf(byB);
  }

  @Test
  void newestStateMarksExpireAndAnOldDeadLetterWithoutOneIsNotReplayed() {
    Redis admin = Redis.createClient(vertx, TestRedis.get().url());
    String marks = "{pg}:latest:" + SUB;
    String recent = System.currentTimeMillis() + "-0";
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"), job(SUB, recent, "p2"))));
    for (DeliveryStore.Claim c : result(store.claim(System.currentTimeMillis(), 10, LEASE, 4, Map.of()))) {
      result(store.deadLetter(c, "HTTP 500", System.currentTimeMillis()));
    }
    long ttl = result(admin.send(Request.cmd(Command.PTTL).arg(marks))).toLong();
    assertThat(ttl).isPositive().isLessThanOrEqualTo(DeliveryStore.MARK_TTL.toMillis());

    result(admin.send(Request.cmd(Command.DEL).arg(marks))); // as when the subscription was idle past the TTL
    // 100-0 (1970) could have been overtaken by a delivery whose mark is gone: skipped; the recent one is not
    assertThat(result(store.replayDeadLetters(SUB, System.currentTimeMillis()))).isEqualTo(new DeliveryStore.Replay(1, 1));
    assertThat(result(store.claim(System.currentTimeMillis(), 10, LEASE, 4, Map.of())))
        .extracting(c -> c.job().eventId()).containsExactly(recent);
    admin.close();
  }

  @Test
  void subscriptionsAreSharedAndListedOldestFirst() {
    SubscriptionStore one = stores(vertx).subscriptions();
    SubscriptionStore two = stores(vertx).subscriptions();
    Subscription s1 = new Subscription("sub_1", "https://example.com/a", "whsec_x", null, 0, List.of(), List.of("call"),
        "first", true, null, 1000, 0);
    Subscription s2 = new Subscription("sub_2", "https://example.com/b", "whsec_y", null, 0, List.of(), List.of(),
        null, true, null, 2000, 0);
    result(one.put(s2));
    result(one.put(s1));
    assertThat(result(two.list())).extracting(Subscription::id).containsExactly("sub_1", "sub_2");
    assertThat(result(two.get("sub_1"))).contains(s1);
    assertThat(result(two.delete("sub_1"))).isTrue();
    assertThat(result(one.get("sub_1"))).isEqualTo(Optional.empty());
    assertThat(result(one.list())).extracting(Subscription::id).containsExactly("sub_2");
  }
}
