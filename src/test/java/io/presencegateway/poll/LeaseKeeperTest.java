package io.presencegateway.poll;

import io.presencegateway.store.PresenceStore;
import io.presencegateway.store.StaleLeaseException;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.presencegateway.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/** The keeper holds the lease across many TTLs and reports its loss with the right cause. */
@ExtendWith(VertxExtension.class)
class LeaseKeeperTest {
  private static final long TTL_MS = 300;

  @Test
  void keepsTheLeaseForManyTtlsThenReportsAnotherHolderAsTaken(Vertx vertx) {
    PresenceStore store = new MemoryPresenceStore(vertx, 100);
    long askedAt = System.currentTimeMillis();
    long token = result(store.acquireLease("poller-1", Duration.ofMillis(TTL_MS))).orElseThrow();
    LeaseKeeper keeper = new LeaseKeeper(vertx, store, "poller-1", token, TTL_MS, TTL_MS / 3, askedAt);

    long until = System.currentTimeMillis() + 5 * TTL_MS;
    Await.until("five lease TTLs pass, the lease held throughout", Duration.ofSeconds(10), () -> {
      assertThat(result(store.acquireLease("poller-2", Duration.ofMillis(TTL_MS)))).as("poller-2 gets nothing").isEmpty();
      return System.currentTimeMillis() > until;
    });
    assertThat(keeper.lost()).isNull();

    result(store.releaseLease("poller-1"));
    result(store.acquireLease("poller-2", Duration.ofSeconds(30))).orElseThrow();
    Await.until("the keeper notices", Duration.ofSeconds(5), () -> keeper.lost() != null);
    StaleLeaseException lost = keeper.lost();
    assertThat(lost.expired()).as("another holder, not an expiry").isFalse();
    assertThat(lost.getMessage()).contains("another instance holds it");
    keeper.stop();
  }

  @Test
  void aLeaseThatIsGoneIsReportedAsExpiredAndNotTakenBack(Vertx vertx) {
    PresenceStore store = new MemoryPresenceStore(vertx, 100);
    long askedAt = System.currentTimeMillis();
    long token = result(store.acquireLease("poller-1", Duration.ofMillis(TTL_MS))).orElseThrow();
    LeaseKeeper keeper = new LeaseKeeper(vertx, store, "poller-1", token, TTL_MS, TTL_MS / 3, askedAt);

    result(store.releaseLease("poller-1")); // as a flushed Redis would lose it

    Await.until("the keeper notices", Duration.ofSeconds(5), () -> keeper.lost() != null);
    assertThat(keeper.lost().expired()).isTrue();
    assertThat(result(store.leaseHolder())).as("not taken back by a renewal").isEmpty();
    keeper.stop();
  }

  @Test
  void noConfirmedRenewalForAWholeTtlIsAnExpiryEvenWhenTheStoreSaysNothing(Vertx vertx) {
    PresenceStore store = new MemoryPresenceStore(vertx, 100);
    long token = result(store.acquireLease("poller-1", Duration.ofSeconds(30))).orElseThrow();
    // the last confirmation is a whole TTL old: a stalled Redis or a paused process looks like this
    LeaseKeeper keeper = new LeaseKeeper(vertx, store, "poller-1", token, TTL_MS, TTL_MS / 3,
        System.currentTimeMillis() - TTL_MS);

    Await.until("the keeper gives up", Duration.ofSeconds(5), () -> keeper.lost() != null);
    assertThat(keeper.lost().expired()).isTrue();
    assertThat(keeper.lost().getMessage()).contains("no renewal confirmed");
  }
}
