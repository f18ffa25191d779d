package io.presencegateway.cluster;

import io.presencegateway.config.Setting;
import io.presencegateway.sse.SseTestClient;
import io.presencegateway.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.codec.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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
      Map<Setting, Object> webhook = webhookTo(receiver);
      List<Gateway> all = List.of(cluster.gateway(webhook), cluster.gateway(webhook), cluster.gateway(webhook));
      cluster.awaitBaseline(all.get(0));
      List<Step> series = new ArrayList<>();
      for (int n = 0; n < 8; n++) {
        series.add(cluster.step(n));
        cluster.change(cluster.step(n), all, DELIVERY);
      }

      Await.until("one POST per change", DELIVERY, () -> posts.size() >= series.size());
      // A duplicate would arrive after the last original: one more change, posted after everything
      // before it was delivered, makes the count exact instead of "at least"
      Step sentinel = cluster.step(8);
      series.add(sentinel);
      cluster.change(sentinel, all, DELIVERY);
      Await.until("the sentinel's POST", DELIVERY, () -> posts.size() >= series.size());
      // the cluster's one delivery queue (in Redis) is empty: nothing is left to be sent again
      Await.until("webhook queue drained", DELIVERY, () -> result(all.get(0).main().services().webhooks().deliveries().pending()) == 0);
      List<Step> posted = new ArrayList<>();
      synchronized (posts) {
        posts.forEach(p -> p.getJsonArray("items").forEach(i -> posted.add(
            new Step(((JsonObject) i).getString("id"), ((JsonObject) i).getString("status")))));
        assertThat(posts.stream().map(p -> p.getString("webhook-id")).distinct().count()).isEqualTo(posts.size());
      }
      assertThat(posted).as("exactly one POST per change, none twice").containsExactlyInAnyOrderElementsOf(series);
    } finally {
      result(receiverVertx.close());
    }
  }

  /**
   * The poller dies with SIGKILL in the middle of a series; more changes are made upstream while
   * nobody polls (after the kill, before a survivor takes the lease). Each of them arrives exactly
   * once on every survivor's bus, on a survivor's SSE stream and as one webhook, within the lease TTL
   * plus one interval; the series then goes on under the new poller.
   */
  @Test
  void aCrashedPollerIsReplacedMidSeriesAndTheChangesOfTheGapArriveOnceEverywhere() throws Exception {
    Vertx clients = Vertx.vertx();
    List<JsonObject> posts = Collections.synchronizedList(new ArrayList<>());
    HttpServer receiver = result(clients.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      posts.add(b.toJsonObject().put("webhook-id", req.getHeader("webhook-id")));
      req.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1"));
    try {
      Map<Setting, Object> webhook = webhookTo(receiver);
      Process first = cluster.gatewayProcess(webhook);
      long listed = cluster.webex.listRequests();
      Await.until("the child gateway polls", DELIVERY, () -> cluster.webex.listRequests() > listed + 1);
      List<Gateway> survivors = List.of(cluster.gateway(webhook), cluster.gateway(webhook));
      cluster.awaitBaseline(survivors.get(0));
      assertThat(survivors).noneMatch(Gateway::leader);
      SseTestClient sse = SseTestClient.connect(clients, survivors.get(1).main().httpPort(), "/v1/presence/stream");
      sse.events.await(1, DELIVERY); // the snapshot
      List<Step> series = new ArrayList<>();
      for (int n = 0; n < 5; n++) {
        series.add(cluster.step(n));
        cluster.change(cluster.step(n), survivors, DELIVERY);
      }
      // delivered before the kill: a webhook the child had claimed would wait for the 30 s reclaim
      Await.until("a webhook per change before the kill", DELIVERY, () -> postedSteps(posts).size() >= series.size());

      first.destroyForcibly(); // SIGKILL: no stop hook, the lease is not released
      long killedAt = System.nanoTime();
      assertThat(first.waitFor(10, TimeUnit.SECONDS)).as("the child is dead").isTrue();
      // the gap: every person changes once while nobody polls (a person changing twice in the gap
      // would be one change to the newest state: presence is state)
      List<Step> gap = new ArrayList<>();
      for (int n = 5; n < 5 + ClusterFixture.PEOPLE; n++) {
        gap.add(cluster.step(n));
        cluster.webex.setStatus(cluster.step(n).id(), cluster.step(n).status());
      }
      assertThat(survivors).as("the gap's changes were made before any survivor took over").noneMatch(Gateway::leader);
      series.addAll(gap);
      for (Gateway g : survivors) {
        Await.until("the gap's changes on a survivor's bus", Duration.ofSeconds(10), () -> steps(g.received()).containsAll(gap));
      }
      Duration delivered = Duration.ofNanos(System.nanoTime() - killedAt);
      for (int n = 5 + ClusterFixture.PEOPLE; n < 15; n++) {
        series.add(cluster.step(n));
        cluster.change(cluster.step(n), survivors, DELIVERY);
      }

      // the bound plus one cycle, the relay's read and the status reads on a loaded machine
      assertThat(delivered).as("kill to delivery of the gap's changes").isLessThan(TAKEOVER_BOUND.plusMillis(1_500));
      for (Gateway g : survivors) {
        assertThat(steps(g.received())).as("nothing lost, nothing twice across the failover").isEqualTo(series);
      }
      List<String> eventIds = ClusterFixture.ids(survivors.get(1).received());
      assertThat(eventIds).isEqualTo(ClusterFixture.ids(survivors.get(0).received()));
      List<SseEvent> streamed = sse.events.await(1 + eventIds.size(), DELIVERY);
      assertThat(streamed.subList(1, streamed.size())).extracting(SseEvent::id).as("the SSE stream: every event once")
          .containsExactlyElementsOf(eventIds);
      Await.until("a webhook per change", DELIVERY, () -> postedSteps(posts).size() >= series.size());
      assertThat(postedSteps(posts)).as("one webhook per change").containsExactlyInAnyOrderElementsOf(series);
      synchronized (posts) {
        assertThat(posts.stream().map(p -> p.getString("webhook-id")).distinct().count()).isEqualTo(posts.size());
      }
    } finally {
      result(clients.close());
    }
  }

  private static Map<Setting, Object> webhookTo(HttpServer receiver) {
    return Map.of(Setting.WEBHOOK_URL, "http://127.0.0.1:" + receiver.actualPort() + "/hook",
        Setting.WEBHOOK_SECRET, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", Setting.WEBHOOK_ALLOW_PRIVATE_TARGETS, "true");
  }

  /** The changes the receiver got, one per item of every POST. */
  private static List<Step> postedSteps(List<JsonObject> posts) {
    List<Step> posted = new ArrayList<>();
    synchronized (posts) {
      posts.forEach(p -> p.getJsonArray("items").forEach(i -> posted.add(
          new Step(((JsonObject) i).getString("id"), ((JsonObject) i).getString("status")))));
    }
    return posted;
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
