package io.presencegateway.cluster;

import io.presencegateway.config.Setting;
import io.presencegateway.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static io.presencegateway.cluster.ClusterFixture.Step;
import static io.presencegateway.cluster.ClusterFixture.steps;
import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several gateway instances (separate Vert.x instances, one a separate JVM for the crash) on one
 * Redis, polling a fake Webex: one poller, every event on every instance's bus exactly once, in order.
 */
class MultiInstanceTest {
  private static final Duration DELIVERY = Duration.ofSeconds(10);
  private static final Duration TAKEOVER_BOUND = Duration.ofMillis(Gateway.LEASE_TTL_MS + Gateway.INTERVAL_MS);
  private ClusterFixture cluster;

  @BeforeEach
  void setUp() {
    cluster = new ClusterFixture();
  }

  @AfterEach
  void tearDown() {
    cluster.close();
  }

  @Test
  void threeInstancesEachDeliverEveryEventOnceInOrder() {
    List<Gateway> all = List.of(cluster.gateway(), cluster.gateway(), cluster.gateway());
    cluster.awaitBaseline(all.get(0));
    List<Step> series = new ArrayList<>();

    for (int n = 0; n < 12; n++) {
      Step step = cluster.step(n);
      series.add(step);
      cluster.change(step, all, DELIVERY);
    }

    assertThat(all.stream().filter(Gateway::leader).count()).as("instances holding the poll lease").isEqualTo(1);
    List<String> reference = ClusterFixture.ids(all.get(0).received());
    assertThat(reference).isSorted().doesNotHaveDuplicates();
    for (Gateway g : all) {
      assertThat(steps(g.received())).as("changes on one instance's bus").isEqualTo(series);
      assertThat(ClusterFixture.ids(g.received())).as("same events, same order").isEqualTo(reference);
    }
  }

  @Test
  void threeInstancesSendOneWebhookPerChange() {
    Vertx receiverVertx = Vertx.vertx();
    List<JsonObject> posts = Collections.synchronizedList(new ArrayList<>());
    HttpServer receiver = result(receiverVertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(b -> {
          posts.add(b.toJsonObject().put("webhook-id", req.getHeader("webhook-id")));
          req.response().setStatusCode(204).end();
        })).listen(0, "127.0.0.1"));
    try {
      Map<Setting, Object> webhook = Map.of(Setting.WEBHOOK_URL, "http://127.0.0.1:" + receiver.actualPort() + "/hook",
          Setting.WEBHOOK_SECRET, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Setting.WEBHOOK_ALLOW_PRIVATE_TARGETS, "true");
      List<Gateway> all = List.of(cluster.gateway(webhook), cluster.gateway(webhook), cluster.gateway(webhook));
      cluster.awaitBaseline(all.get(0));
      List<Step> series = new ArrayList<>();
      for (int n = 0; n < 8; n++) {
        series.add(cluster.step(n));
        cluster.change(cluster.step(n), all, DELIVERY);
      }

      Await.until("one POST per change", DELIVERY, () -> posts.size() >= series.size());
      List<Step> posted = new ArrayList<>();
      synchronized (posts) {
        posts.forEach(p -> p.getJsonArray("items").forEach(i -> posted.add(
            new Step(((JsonObject) i).getString("id"), ((JsonObject) i).getString("status")))));
        assertThat(posts.stream().map(p -> p.getString("webhook-id")).distinct().count()).isEqualTo(posts.size());
      }
      assertThat(posted).containsExactlyInAnyOrderElementsOf(series);
    } finally {
      result(receiverVertx.close());
    }
  }

  @Test
  void aCrashedPollerIsReplacedWithinTheLeaseTtlPlusOneInterval() throws Exception {
    Process first = cluster.gatewayProcess();
    long listed = cluster.webex.listRequests();
    Await.until("the child gateway polls", DELIVERY, () -> cluster.webex.listRequests() > listed + 1);
    List<Gateway> survivors = List.of(cluster.gateway(), cluster.gateway());
    cluster.awaitBaseline(survivors.get(0));
    assertThat(survivors).noneMatch(Gateway::leader);
    List<Step> series = new ArrayList<>();
    for (int n = 0; n < 5; n++) {
      series.add(cluster.step(n));
      cluster.change(cluster.step(n), survivors, DELIVERY);
    }

    first.destroyForcibly(); // SIGKILL: no stop hook, the lease is not released
    long killedAt = System.nanoTime();
    Await.until("a survivor takes over polling", Duration.ofSeconds(10), () -> survivors.stream().anyMatch(Gateway::leader));
    Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
    for (int n = 5; n < 12; n++) {
      series.add(cluster.step(n));
      cluster.change(cluster.step(n), survivors, DELIVERY);
    }

    // the bound plus the time one cycle and a status read take on a loaded machine
    assertThat(takeover).as("takeover time").isLessThan(TAKEOVER_BOUND.plusMillis(750));
    for (Gateway g : survivors) {
      assertThat(steps(g.received())).as("nothing lost, nothing twice across the failover").isEqualTo(series);
    }
    assertThat(ClusterFixture.ids(survivors.get(0).received())).isEqualTo(ClusterFixture.ids(survivors.get(1).received()));
  }

  @Test
  void aStoppedPollerReleasesItsLeaseAndAnotherTakesOverAtOnce() {
    Gateway first = cluster.gateway();
    cluster.awaitBaseline(first);
    Await.until("first gateway polls", DELIVERY, first::leader);
    Gateway second = cluster.gateway();

    long stoppedAt = System.nanoTime();
    first.close();
    Await.until("second gateway polls", DELIVERY, second::leader);

    assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).as("released, not expired")
        .isLessThan(Duration.ofMillis(Gateway.LEASE_TTL_MS));
    cluster.change(cluster.step(0), List.of(second), DELIVERY);
    assertThat(steps(second.received())).containsExactly(cluster.step(0));
  }
}
