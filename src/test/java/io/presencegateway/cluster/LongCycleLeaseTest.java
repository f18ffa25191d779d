package io.presencegateway.cluster;

import io.presencegateway.config.Setting;
import io.presencegateway.testsupport.Await;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.presencegateway.cluster.ClusterFixture.Step;
import static io.presencegateway.cluster.ClusterFixture.steps;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A poll cycle longer than the lease TTL. With the defaults one Webex request may take as long as the
 * whole TTL (WEBEX_TIMEOUT_MS = POLL_LEASE_TTL_MS = 10 s) and a large org is hundreds of pages, so the
 * holder must keep its lease alive while the cycle runs: the cycle is applied, and a standby never
 * steps in while the holder is healthy. Here: a 1 s TTL and three org pages answered 850 ms late each.
 */
class LongCycleLeaseTest {
  private static final int LEASE_TTL_MS = 1_000;
  private static final long PAGE_DELAY_MS = 850;
  private static final String FENCE_KEY = "{pg}:lease:fence";

  @Test
  void aCycleLongerThanTheLeaseIsAppliedOnceAndTheStandbyNeverTakesOver() {
    try (ClusterFixture cluster = new ClusterFixture()) {
      cluster.webex.pageDelayMs(PAGE_DELAY_MS);
      Map<Setting, Object> settings = Map.of(Setting.POLL_LEASE_TTL_MS, LEASE_TTL_MS, Setting.REDIS_TIMEOUT_MS, 500);
      Gateway holder = cluster.gateway(settings);
      cluster.awaitBaseline(holder); // the baseline cycle alone lasts 2.5 lease TTLs
      String fence = cluster.redis.valueOf(FENCE_KEY);
      Gateway standby = cluster.gateway(settings);
      List<String> ids = cluster.webex.ids();
      // one person on the first page, one on the last: the cycle has to survive all of its pages
      List<Step> series = List.of(new Step(ids.get(0), "meeting"), new Step(ids.get(ids.size() - 1), "call"));

      series.forEach(s -> cluster.webex.setStatus(s.id(), s.status()));
      for (Gateway g : List.of(holder, standby)) {
        Await.until("both changes on an instance's bus", Duration.ofSeconds(20),
            () -> steps(g.received()).containsAll(series));
      }
      long listed = cluster.webex.listRequests();
      Await.until("two more whole cycles", Duration.ofSeconds(20), () -> cluster.webex.listRequests() >= listed + 6);

      for (Gateway g : List.of(holder, standby)) {
        assertThat(steps(g.received())).as("each change exactly once").containsExactlyInAnyOrderElementsOf(series);
      }
      assertThat(holder.leader()).as("the healthy holder still polls").isTrue();
      assertThat(standby.leader()).as("the standby never took over").isFalse();
      assertThat(cluster.redis.valueOf(FENCE_KEY)).as("no new fencing token: the lease never changed hands").isEqualTo(fence);
    }
  }
}
