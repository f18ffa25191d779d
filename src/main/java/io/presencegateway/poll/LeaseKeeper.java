package io.presencegateway.poll;

import io.presencegateway.store.PresenceStore;
import io.presencegateway.store.PresenceStore.LeaseRenewal;
import io.presencegateway.store.StaleLeaseException;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Keeps the poll lease alive while one cycle runs. The lease is taken or renewed when a cycle starts,
 * but a cycle may last far longer than the TTL (one Webex request may take WEBEX_TIMEOUT_MS, an org
 * listing hundreds of pages): without renewals the lease would run out mid-cycle, the store would
 * refuse the result, and a standby would step in although this instance is healthy.
 *
 * <p>Renews every third of the TTL with the cycle's fencing token, so only the very lease the cycle
 * started with is extended; a lease that is gone is never taken back (that takes a new token, and the
 * running cycle's result must then be refused). Stops at the first sign of loss: the store says the
 * lease ran out or has another holder, or no renewal was confirmed for a whole TTL (Redis stalled, or
 * this process paused: the lease may have run out without anyone saying so). A dead process renews
 * nothing, so a dead holder is still replaced within the TTL plus one interval.
 */
final class LeaseKeeper {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

  private final Vertx vertx;
  private final PresenceStore store;
  private final String holder;
  private final long token;
  private final long ttlMs;
  private final long timerId;
  /** When the newest renewal known to have landed was sent: the lease runs at least a TTL from then. */
  private long confirmedAt;
  private volatile StaleLeaseException lost; // volatile: tests look at it from their own thread
  private boolean stopped;

  /**
   * Starts renewing the lease {@code holder} holds with {@code token}, as confirmed by a request sent
   * at {@code confirmedAt} (epoch ms).
   */
  LeaseKeeper(Vertx vertx, PresenceStore store, String holder, long token, long ttlMs, long renewMs, long confirmedAt) {
    this.vertx = vertx;
    this.store = store;
    this.holder = holder;
    this.token = token;
    this.ttlMs = ttlMs;
    this.confirmedAt = confirmedAt;
    this.timerId = vertx.setPeriodic(renewMs, t -> renew());
  }

  /** Null while the lease is held; else why it is not, to fail the cycle with before it writes anything. */
  StaleLeaseException lost() {
    return lost;
  }

  void stop() {
    stopped = true;
    vertx.cancelTimer(timerId);
  }

  private void renew() {
    long sentAt = System.currentTimeMillis();
    if (sentAt - confirmedAt >= ttlMs) {
      lose(true, "no renewal confirmed for " + (sentAt - confirmedAt) + " ms (lease TTL " + ttlMs + " ms)");
      return;
    }
    store.renewLease(holder, token, Duration.ofMillis(ttlMs)).onComplete(ar -> {
      if (stopped) {
        return;
      }
      if (ar.failed()) {
        // unknown whether it landed: the next tick tries again, and the deadline above decides
        LOG.debug("Poll lease renewal failed: {}", ar.cause().getMessage());
      } else if (ar.result() == LeaseRenewal.RENEWED) {
        confirmedAt = Math.max(confirmedAt, sentAt);
      } else {
        lose(ar.result() == LeaseRenewal.EXPIRED, ar.result() == LeaseRenewal.EXPIRED
            ? "the store holds no lease any more" : "another instance holds it");
      }
    });
  }

  private void lose(boolean expired, String why) {
    lost = StaleLeaseException.lost(token, expired, why);
    stop();
  }
}
