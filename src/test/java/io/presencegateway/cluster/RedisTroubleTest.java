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

/** Redis going away and coming back empty, or being flushed, under two polling instances. */
class RedisTroubleTest {
  private static final Duration DELIVERY = Duration.ofSeconds(10);
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
    int before = all.get(0).received().size();
    List<Step> after = new ArrayList<>();
    for (int n = 5; n < 12; n++) {
      after.add(cluster.step(n));
      cluster.change(cluster.step(n), all, DELIVERY);
    }

    for (Gateway g : all) {
      List<Step> delivered = steps(g.received());
      assertThat(delivered.subList(before, delivered.size())).as("after Redis came back: no storm, no gap, no repeat")
          .isEqualTo(after);
    }
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
