package io.presencegateway.webhook;

import io.presencegateway.metrics.GatewayMetrics;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.store.DeliveryStore;
import io.presencegateway.store.DeliveryStore.Claim;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Takes due jobs from the {@link DeliveryStore} and makes their attempts, on the webhook verticle's
 * context (it is made there). Isolation: each subscription has its own {@link WebhookSender} (own
 * client, own small pool, per-attempt deadline) and at most {@link #MAX_IN_FLIGHT} attempts out; a claim never takes
 * more than a subscription's free slots, so a hanging receiver's backlog waits in the store and the
 * other subscriptions' jobs keep coming. Every enqueue and every finished attempt asks for a claim
 * round; the asks made in one event-loop turn share one round (so a round claims for every
 * subscription that freed slots meanwhile, and the subscription list is read once for all of them),
 * and a round runs at least every {@link #IDLE_POLL_MS} (retries coming due, other instances' work).
 * While the store is unreachable every round fails: that is logged as one outage ({@link StoreOutage}:
 * when it starts, once a minute, when it ends), not once per round or attempt.
 *
 * <p>Shutdown ({@link #stop}) claims nothing new, lets the attempts on the wire finish for a given
 * time, then hands back the ones still waiting for an answer: their jobs are due again at once for
 * another instance (same webhook-id) and count neither as a failure nor as an attempt, so a
 * receiver is not pushed down its retry schedule or towards auto-disable by our restart.
 */
final class DeliveryWorker {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
  static final int MAX_IN_FLIGHT = 4;
  static final int CLAIM_MAX = 256;
  static final long IDLE_POLL_MS = 100;

  private final Vertx vertx;
  /** The webhook verticle's context: the worker's state is touched there only. */
  private final Context context;
  private final DeliveryStore store;
  private final SubscriptionDirectory directory;
  private final RetryPolicy retry;
  private final DeliveryLog log;
  private final TargetGuard guard;
  private final GatewayMetrics metrics;
  private final int timeoutMs;
  /** How long a claim hides a job: a whole attempt (resolve, connect, answer) fits in it with room to spare. */
  private final long leaseMs;
  private final Map<String, WebhookSender> senders = new HashMap<>();
  /** A Redis outage fails every claim round (every {@link #IDLE_POLL_MS}): logged once, not per round. */
  private final StoreOutage outage = new StoreOutage(LOG, "webhook deliveries");
  private final InFlightAttempts inFlight = new InFlightAttempts();
  /** The claim round under way, null between rounds; shutdown waits for it (its claims are handed back). */
  private Future<Integer> round;
  private boolean claiming;
  private boolean again;
  /** A round is asked for and will run when this event-loop turn is over. */
  private boolean asked;
  private long rounds;
  private boolean stopped;
  private long idleTimer = -1;

  DeliveryWorker(Vertx vertx, DeliveryStore store, SubscriptionDirectory directory, RetryPolicy retry, DeliveryLog log,
                 TargetGuard guard, GatewayMetrics metrics, int timeoutMs) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.store = store;
    this.directory = directory;
    this.retry = retry;
    this.log = log;
    this.guard = guard;
    this.metrics = metrics;
    this.timeoutMs = timeoutMs;
    this.leaseMs = 2L * timeoutMs + 5_000;
  }

  /**
   * Asks for a claim round. It runs once the current event-loop turn is over, so every ask made in
   * that turn (several attempts finishing together, an enqueue) is served by the same round; an ask
   * during a round makes one more round after it. An ask from another thread (a store future
   * completed there) is passed to the worker's context first.
   */
  void wake() {
    if (Vertx.currentContext() != context) {
      context.runOnContext(v -> wake());
      return;
    }
    if (stopped) {
      return;
    }
    if (claiming) {
      again = true;
      return;
    }
    if (!asked) {
      asked = true;
      context.runOnContext(v -> {
        asked = false;
        if (stopped) {
          return;
        }
        if (claiming) {
          again = true;
        } else {
          claimRound();
        }
      });
    }
  }

  /** Claim rounds run so far (for tests: asks made together share one). */
  long rounds() {
    return rounds;
  }

  private void claimRound() {
    rounds++;
    claiming = true;
    again = false;
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
      idleTimer = -1;
    }
    long now = System.currentTimeMillis();
    round = store.claim(now, CLAIM_MAX, leaseMs, MAX_IN_FLIGHT, inFlight.perSubscription())
        .compose(claims -> claims.isEmpty() ? Future.succeededFuture(0) : startAll(claims, now));
    round.onComplete(ar -> {
      claiming = false;
      round = null;
      if (stopped) {
        if (ar.failed()) {
          LOG.debug("A claim round failed during shutdown: {}", ar.cause().toString());
        }
        return;
      }
      if (ar.succeeded()) {
        outage.succeeded();
      } else if (!outage.failed(ar.cause())) {
        LOG.warn("Claiming webhook jobs failed, trying again shortly: {}", ar.cause().toString());
      }
      if (again || (ar.succeeded() && ar.result() == CLAIM_MAX)) {
        wake();
      } else {
        idleTimer = vertx.setTimer(IDLE_POLL_MS, t -> {
          idleTimer = -1;
          wake();
        });
      }
    });
  }

  private Future<Integer> startAll(List<Claim> claims, long now) {
    if (stopped) {
      return handBack(claims).map(claims.size()); // claimed while shutdown began: not ours to start
    }
    return directory.current(now).compose(targets -> {
      if (stopped) {
        return handBack(claims).map(claims.size());
      }
      RoundEvents events = new RoundEvents();
      claims.forEach(c -> start(c, targets.get(c.job().subscriptionId()), events, now));
      closeUnused(targets);
      return Future.succeededFuture(claims.size());
    });
  }

  private void start(Claim claim, Target target, RoundEvents events, long now) {
    if (target == null) {
      settled(store.complete(claim)); // the subscription was deleted: nobody to deliver to
      return;
    }
    if (!target.enabled()) {
      settled(store.deadLetter(claim, "subscription disabled", now));
      return;
    }
    RoundEvents.Decoded decoded = events.event(claim.job().eventId(), claim.job().payload());
    PresenceEvent event = decoded.event();
    Buffer body = events.body(claim.job().eventId(), claim.job().payload(), claim.livePersonKeys());
    if (body == null) {
      settled(store.complete(claim));
      return;
    }
    InFlightAttempts.Attempt attempt = inFlight.start(claim);
    sender(target.id()).send(target.receiver(), event.id(), event.orgId(), body)
        .compose(outcome -> inFlight.answered(attempt) ? settle(claim, target, outcome, decoded) : Future.succeededFuture())
        .onComplete(ar -> {
          inFlight.ended(attempt);
          if (ar.failed() && !outage.failed(ar.cause())) {
            // the claim runs out and the job comes due again: at-least-once, same webhook-id
            LOG.warn("Recording the outcome of webhook job {} failed: {}", claim.job().id(), ar.cause().toString());
          }
          wake();
        });
  }

  private Future<Void> settle(Claim claim, Target target, AttemptOutcome o, RoundEvents.Decoded event) {
    long now = System.currentTimeMillis();
    if (o.succeeded()) {
      record(claim, target, o, -1);
      metrics.webhookEventDelivered();
      metrics.deliveryLatency(event.sinceDetection(now));
      return store.complete(claim).compose(v -> directory.succeeded(target));
    }
    if (o.gone()) {
      record(claim, target, o, -1);
      metrics.deadLettered();
      return store.deadLetter(claim, o.error(), now).compose(v -> directory.disable(target, "the receiver answered 410 Gone"));
    }
    OptionalLong delay = retry.nextDelayMs(claim.attempt(), o.retryAfter());
    record(claim, target, o, delay.orElse(-1));
    if (delay.isPresent()) {
      LOG.warn("Webhook to {} ({}) failed: event {} attempt {}: {}; next attempt in {} ms", target.receiver().host(),
          target.id(), claim.job().eventId(), claim.attempt(), o.error(), delay.getAsLong());
      return store.retry(claim, now + delay.getAsLong()).compose(v -> directory.failed(target, now));
    }
    LOG.error("Webhook to {} ({}) failed: event {} attempt {}: {}; no attempts left, moved to dead letters",
        target.receiver().host(), target.id(), claim.job().eventId(), claim.attempt(), o.error());
    metrics.deadLettered();
    return store.deadLetter(claim, o.error(), now).compose(v -> directory.failed(target, now));
  }

  private void record(Claim claim, Target target, AttemptOutcome o, long nextRetryMs) {
    DeliveryAttempt a = new DeliveryAttempt(target.id(), claim.job().eventId(), claim.attempt(), Instant.now(),
        o.statusCode(), o.latencyMs(), o.error(), nextRetryMs);
    log.add(a);
    metrics.webhookAttempt(GatewayMetrics.outcomeOf(o.statusCode(), o.succeeded()));
    store.recordAttempt(target.id(), a.toJson()).onFailure(e -> {
      if (!outage.failed(e)) {
        LOG.warn("Could not store a webhook attempt of {}: {}", target.id(), e.toString());
      }
    });
  }

  private void settled(Future<Void> f) {
    f.onFailure(e -> {
      if (!outage.failed(e)) {
        LOG.warn("Dropping a webhook job failed: {}", e.toString());
      }
    });
  }

  /** The sender of a subscription, made on first use. */
  WebhookSender sender(String subscriptionId) {
    return senders.computeIfAbsent(subscriptionId, id -> new WebhookSender(vertx, guard, timeoutMs, MAX_IN_FLIGHT));
  }

  /** Frees the clients of subscriptions that were deleted and have nothing in flight. */
  private void closeUnused(Map<String, Target> targets) {
    List<String> gone = new ArrayList<>();
    senders.keySet().stream().filter(id -> !targets.containsKey(id) && !inFlight.busy(id)).forEach(gone::add);
    gone.forEach(id -> senders.remove(id).close());
  }

  /**
   * Shutdown: no new claims; the attempts out may finish (and their outcomes be stored) for up to
   * {@code finishWithinMs}; then the ones still waiting for an answer are aborted and handed back.
   * Completes when every job this worker held is finished or back in the store.
   */
  Future<Void> stop(long finishWithinMs) {
    stopped = true;
    if (idleTimer >= 0) {
      vertx.cancelTimer(idleTimer);
    }
    Promise<Void> finishedOrTimeUp = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, finishWithinMs), t -> finishedOrTimeUp.tryComplete());
    Future<Integer> current = round != null ? round : Future.succeededFuture(0);
    current.eventually(inFlight::whenEmpty).onComplete(ar -> finishedOrTimeUp.tryComplete());
    return finishedOrTimeUp.future().compose(v -> {
      vertx.cancelTimer(timer);
      List<Claim> unanswered = inFlight.takeUnanswered();
      // their POSTs are aborted (connections closed) before the jobs go back, so a receiver rarely
      // sees the same webhook-id from two instances at once; the close completes off this context,
      // so nothing here waits on it before touching the worker's state
      Future<?> closed = Future.join(senders.values().stream().map(WebhookSender::close).toList());
      return Future.join(closed, handBack(unanswered), inFlight.whenEmpty());
    }).mapEmpty();
  }

  /** Puts claimed jobs back in the store, due now and not counted as attempted; returns how many went back. */
  private Future<Integer> handBack(List<Claim> claims) {
    if (claims.isEmpty()) {
      return Future.succeededFuture(0);
    }
    long now = System.currentTimeMillis();
    List<Future<Void>> writes = claims.stream().map(c -> store.handBack(c, now)).toList();
    return Future.join(writes).transform(ar -> {
      int back = (int) writes.stream().filter(Future::succeeded).count();
      metrics.handedBack(back);
      LOG.info("Shutdown: handed back {} webhook job(s) claimed but not delivered; another instance sends them now, "
          + "with the same webhook-id", back);
      if (back < claims.size()) {
        LOG.warn("Shutdown: {} webhook job(s) could not be handed back; they come due again when their claim runs out",
            claims.size() - back);
      }
      return Future.succeededFuture(back);
    });
  }
}
