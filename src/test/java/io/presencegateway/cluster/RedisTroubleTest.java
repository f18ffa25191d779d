package io.presencegateway.cluster;

import io.presencegateway.testsupport.Await;
import io.presencegateway.testsupport.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.presencegateway.cluster.ClusterFixture.Step;
import static io.presencegateway.cluster.ClusterFixture.steps;
import static org.assertj.core.api.Assertions.assertThat;

/** Redis going away and coming back empty, stalling, or being flushed, under two polling instances. */
class RedisTroubleTest {
  private static final Duration DELIVERY = Duration.ofSeconds(10);
  private static final int REDIS_TIMEOUT_MS = 1_000; // as Gateway.settings gives every instance
  private ClusterFixture cluster;

  @BeforeEach
  void setUp() {
    cluster = new ClusterFixture(TestRedis.restartable());
  }

  @AfterEach
  void tearDown() {
    if (!isListening()) {
      cluster.redis.start();
    }
    cluster.close();
  }

  private boolean isListening() {
    try {
      cluster.redis.clean();
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Test
  void aRedisRestartTurnsReadinessRedThenGreenAndLosesNoLaterChange() {
    List<Gateway> all = List.of(cluster.gateway(), cluster.gateway());
    cluster.awaitBaseline(all.get(0));
    cluster.change(cluster.step(0), all, DELIVERY);
    all.forEach(g -> assertThat(g.readiness()).isEqualTo(200));

    // counted before the outage: a storm emitted while Redis comes back (or while the poller
    // rebaselines) would show up as extra events ahead of the new changes
    List<Integer> before = all.stream().map(g -> g.received().size()).toList();
    cluster.redis.stop();
    for (Gateway g : all) {
      Await.until("readiness red while Redis is down", DELIVERY, () -> g.readiness() == 503);
      var read = g.get("/v1/presence");
      assertThat(read.statusCode()).as("read API while Redis is down").isEqualTo(503);
      assertThat(read.getHeader("Retry-After")).isNotBlank();
      assertThat(read.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("store_unavailable");
    }
    cluster.redis.start(); // empty: the server never persists
    for (Gateway g : all) {
      Await.until("readiness green when Redis is back", DELIVERY, () -> g.readiness() == 200);
    }
    cluster.awaitBaseline(all.get(0));
    List<Step> after = new ArrayList<>();
    for (int n = 5; n < 12; n++) {
      after.add(cluster.step(n));
      cluster.change(cluster.step(n), all, DELIVERY);
    }

    for (int i = 0; i < all.size(); i++) {
      List<Step> delivered = steps(all.get(i).received());
      assertThat(delivered.subList(before.get(i), delivered.size())).as("after Redis came back: no storm, no gap, no repeat")
          .isEqualTo(after);
    }
  }

  /**
   * Redis stalls (SIGSTOP: connections stay open, nothing is answered) for a few lease TTLs, then
   * carries on (SIGCONT) with every command sent meanwhile still queued. Readiness turns red within
   * the store timeout, no request waits beyond it, a change made meanwhile is not emitted by any of
   * the failed cycles but once, after the stall, and everything recovers by itself.
   */
  @Test
  void aStalledRedisIsBoundedByTheTimeoutsEmitsNothingMeanwhileAndRecoversByItself() {
    List<Gateway> all = List.of(cluster.gateway(), cluster.gateway());
    cluster.awaitBaseline(all.get(0));
    cluster.change(cluster.step(0), all, DELIVERY);
    Duration bounded = Duration.ofMillis(REDIS_TIMEOUT_MS + 1_000); // the store timeout plus a loaded machine

    cluster.redis.pause();
    try {
      long stalledAt = System.nanoTime();
      cluster.webex.setStatus(cluster.step(1).id(), cluster.step(1).status());
      for (Gateway g : all) {
        assertThat(timed(() -> assertThat(g.readiness()).as("readiness while Redis stalls").isEqualTo(503)))
            .as("readiness answers within the store timeout").isLessThan(bounded);
        assertThat(timed(() -> assertThat(g.get("/v1/presence").statusCode()).isEqualTo(503)))
            .as("a read answers within the store timeout").isLessThan(bounded);
      }
      Await.until("the stall outlasts two lease TTLs", DELIVERY, () -> {
        all.forEach(g -> assertThat(steps(g.received())).as("nothing emitted while the store fails").hasSize(1));
        return System.nanoTime() - stalledAt > Duration.ofMillis(2L * Gateway.LEASE_TTL_MS).toNanos();
      });
    } finally {
      cluster.redis.resume();
    }

    for (Gateway g : all) {
      Await.until("readiness green again", DELIVERY, () -> g.readiness() == 200);
      Await.until("the change made during the stall", DELIVERY, () -> steps(g.received()).contains(cluster.step(1)));
    }
    cluster.change(cluster.step(2), all, DELIVERY);
    for (Gateway g : all) {
      assertThat(steps(g.received())).as("each change once, none from a failed cycle")
          .containsExactly(cluster.step(0), cluster.step(1), cluster.step(2));
    }
  }

  private static Duration timed(Runnable request) {
    long started = System.nanoTime();
    request.run();
    return Duration.ofNanos(System.nanoTime() - started);
  }

  @Test
  void aFlushedRedisIsANewBaselineNotAStorm() {
    List<Gateway> all = List.of(cluster.gateway(), cluster.gateway());
    cluster.awaitBaseline(all.get(0));
    cluster.change(cluster.step(0), all, DELIVERY);
    cluster.change(cluster.step(1), all, DELIVERY);
    long listed = cluster.webex.listRequests();

    cluster.redis.clean();
    cluster.awaitBaseline(all.get(0));
    Await.until("a few more cycles on the new baseline", DELIVERY, () -> cluster.webex.listRequests() > listed + 10);
    List<Step> after = List.of(cluster.step(2), cluster.step(3));
    after.forEach(s -> cluster.change(s, all, DELIVERY));

    for (Gateway g : all) {
      assertThat(steps(g.received())).containsExactly(cluster.step(0), cluster.step(1), cluster.step(2), cluster.step(3));
    }
  }
}
