package io.presencegateway.webhook;

import io.presencegateway.metrics.GatewayMetrics;
import io.presencegateway.GatewayServices;
import io.presencegateway.config.ConfigException;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.event.Timestamps;
import io.presencegateway.store.DeliveryStore;
import io.presencegateway.store.PresenceStore;
import io.presencegateway.store.QueuedDelivery;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Owns outbound webhooks. Two loops on its context:
 * <ol>
 *   <li>events → jobs: takes events from the store's delivery claim (with Redis a consumer group,
 *   so exactly one instance of the cluster turns each event into jobs), writes one job per
 *   subscription that wants some of its people into the {@link DeliveryStore}, and acknowledges the
 *   event only after that write succeeded: a crash in between hands the event out again;</li>
 *   <li>jobs → attempts: the {@link DeliveryWorker}.</li>
 * </ol>
 * Receivers are the static {@code WEBHOOK_URL}/{@code WEBHOOKS} entries (their targets pass the
 * {@link TargetGuard} at start: a refused one stops the start) and the API subscriptions.
 * It also answers {@link #TEST_ADDRESS} requests from the subscriptions API.
 */
public final class WebhookVerticle extends VerticleBase {
  /**
   * Local bus address, request/reply: body {@code {"subscriptionId"}}; the reply is the outcome of one
   * signed test POST to that subscription ({@code statusCode, latencyMs, succeeded, error, webhookId}).
   */
  public static final String TEST_ADDRESS = "webhook.test";
  private static final Logger LOG = LoggerFactory.getLogger(WebhookVerticle.class);
  private static final int CLAIM_BATCH = 100;
  private static final long CLAIM_WAIT_MS = 2_000;
  private static final long CLAIM_RETRY_MS = 1_000;
  /** Concurrent attempts (and pooled connections) per receiver. */
  static final int MAX_IN_FLIGHT = DeliveryWorker.MAX_IN_FLIGHT;
  private static final int LOG_CAPACITY = 10_000;

  private final GatewayServices services;
  private final String consumerId = "webhook-" + UUID.randomUUID();
  private final DeliveryLog deliveryLog = new DeliveryLog(LOG_CAPACITY);
  private final StoreOutage eventOutage = new StoreOutage(LOG, "events for webhooks");
  private TargetGuard guard;
  private SubscriptionDirectory directory;
  private DeliveryWorker worker;
  private QueueDepthGauge queueDepth;
  private MessageConsumer<JsonObject> testConsumer;
  private boolean stopped;
  /** Set by the orderly shutdown (another thread) just before it undeploys this verticle. */
  private volatile long finishAttemptsWithinMs;

  public WebhookVerticle(GatewayServices services) {
    this.services = services;
  }

  /** Used by tests to simulate DNS (a rebinding name); production resolves with the JVM resolver. */
  WebhookVerticle(GatewayServices services, TargetGuard guard) {
    this.services = services;
    this.guard = guard;
  }

  @Override
  public Future<?> start() {
    GatewayConfig.Webhooks config = services.config().webhooks();
    if (guard == null) {
      guard = new TargetGuard(config.allowPrivateTargets());
    }
    List<Receiver> receivers;
    try {
      receivers = receivers(config);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    return checkTargets(receivers).onSuccess(v -> {
      directory = new SubscriptionDirectory(receivers, services.webhooks().subscriptions(), config.disableAfter());
      GatewayMetrics metrics = GatewayMetrics.of(services);
      worker = new DeliveryWorker(vertx, deliveries(), directory, new RetryPolicy(config.retrySchedule()), deliveryLog,
          guard, metrics, config.timeoutMs());
      queueDepth = new QueueDepthGauge(vertx, deliveries(), metrics);
      queueDepth.start();
      receivers.forEach(r -> LOG.info("Webhook receiver {} at host {}", r.id(), r.host()));
      testConsumer = vertx.eventBus().localConsumer(TEST_ADDRESS, this::sendTest);
      claimNext();
      worker.wake();
    });
  }

  /**
   * Called by the orderly shutdown just before it undeploys this verticle: attempts on the wire may
   * finish for up to {@code ms}, then the rest are handed back. When Vert.x undeploys the verticle
   * without it (a plain close), there is no time budget to share, and they are handed back at once.
   */
  public void finishAttemptsWithin(long ms) {
    finishAttemptsWithinMs = Math.max(0, ms);
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    List<Future<?>> closing = new ArrayList<>();
    if (testConsumer != null) {
      closing.add(testConsumer.unregister());
    }
    if (queueDepth != null) {
      queueDepth.stop();
    }
    if (worker != null) {
      closing.add(worker.stop(finishAttemptsWithinMs));
    }
    return Future.all(closing).mapEmpty();
  }

  private DeliveryStore deliveries() {
    return services.webhooks().deliveries();
  }

  private static List<Receiver> receivers(GatewayConfig.Webhooks config) {
    List<Receiver> out = new ArrayList<>();
    for (int i = 0; i < config.receivers().size(); i++) {
      GatewayConfig.StaticReceiver r = config.receivers().get(i);
      try {
        out.add(Receiver.fromStatic(i, r));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("WEBHOOK_URL/WEBHOOKS: receiver " + r.url().getHost() + ": " + e.getMessage());
      }
    }
    return out;
  }

  /**
   * Start-time SSRF check of every configured target, resolving names off the event loop. A name
   * that does not resolve now is let through (DNS may be late at boot; the connect-time check
   * still applies); a name that resolves to a refused address stops the start.
   */
  private Future<Void> checkTargets(List<Receiver> receivers) {
    List<Future<?>> checks = new ArrayList<>();
    for (Receiver r : receivers) {
      checks.add(guard.resolve(vertx, r.url()).recover(e -> refusedOrUnresolved(r.url(), e)));
    }
    return Future.all(checks).mapEmpty();
  }

  private Future<TargetGuard.Resolved> refusedOrUnresolved(URI url, Throwable e) {
    if (e instanceof TargetRefusedException) {
      return Future.failedFuture(new ConfigException("WEBHOOK_URL/WEBHOOKS: target refused: " + e.getMessage()));
    }
    LOG.warn("Webhook target host {} does not resolve now ({}); it is checked again at every delivery", url.getHost(), e.toString());
    return Future.succeededFuture();
  }

  // ---- events → jobs ----

  private void claimNext() {
    if (stopped) {
      return;
    }
    PresenceStore store = services.store();
    store.claimForDelivery(consumerId, CLAIM_BATCH, CLAIM_WAIT_MS)
        .compose(events -> events.isEmpty() ? Future.succeededFuture() : queue(events)
            .compose(v -> Future.all(events.stream().map(e -> store.ackDelivery(consumerId, e.id())).toList()))
            .onSuccess(v -> worker.wake()))
        .onSuccess(v -> {
          eventOutage.succeeded();
          claimNext();
        })
        .onFailure(e -> {
          if (stopped) {
            // the store closes after this verticle stopped: its blocking read ends with CONNECTION_CLOSED
            LOG.debug("Event claim ended by the shutdown: {}", e.toString());
            return;
          }
          if (!eventOutage.failed(e)) {
            LOG.warn("Turning events into webhook jobs failed, retrying in {} ms (unacknowledged events are handed out again): {}",
                CLAIM_RETRY_MS, e.toString());
          }
          vertx.setTimer(CLAIM_RETRY_MS, t -> claimNext());
        });
  }

  /** One job per (event, enabled target that wants some of its people), written in one store call. */
  private Future<Void> queue(List<PresenceEvent> events) {
    return directory.current(System.currentTimeMillis()).compose(targets -> {
      List<QueuedDelivery> jobs = new ArrayList<>();
      List<Receiver> receivers = targets.values().stream().filter(Target::enabled).map(Target::receiver).toList();
      for (PresenceEvent event : events) {
        jobs.addAll(SubscriptionJobs.jobsFor(receivers, event));
      }
      return deliveries().enqueue(jobs);
    });
  }

  // ---- test sends ----

  /** One signed POST of an envelope without items, outside the queue; the answer says how it went. */
  private void sendTest(Message<JsonObject> message) {
    String id = message.body().getString("subscriptionId");
    long now = System.currentTimeMillis();
    directory.current(now).onSuccess(targets -> {
      Target t = targets.get(id);
      if (t == null) {
        message.fail(404, "no such subscription");
        return;
      }
      String webhookId = "test-" + UUID.randomUUID();
      watchedOrg().onSuccess(orgId -> {
        Buffer body = Buffer.buffer(io.presencegateway.event.Envelope.write(orgId, Timestamps.format(Instant.now()), List.of()));
        // x-org-id like every delivery (PRODUCT.md §5.1); "" while no person has been seen yet
        worker.sender(id).send(t.receiver(), webhookId, orgId, body).onSuccess(o -> {
          DeliveryAttempt a = new DeliveryAttempt(id, webhookId, 1, Instant.now(), o.statusCode(), o.latencyMs(), o.error(), -1);
          deliveryLog.add(a);
          deliveries().recordAttempt(id, a.toJson());
          message.reply(new JsonObject().put("webhookId", webhookId).put("statusCode", o.statusCode())
              .put("latencyMs", o.latencyMs()).put("succeeded", o.succeeded()).put("error", o.error()));
        });
      });
    }).onFailure(e -> message.fail(503, "subscriptions unavailable: " + e.getMessage()));
  }

  /** The org of the watched people (from the stored state), "" before the first poll stored anyone. */
  private Future<String> watchedOrg() {
    return services.store().states()
        .map(states -> states.values().stream().map(PersonState::orgId).filter(o -> o != null && !o.isEmpty())
            .findFirst().orElse(""))
        .otherwise("");
  }

  /** The attempt log of this instance (oldest first); readable from any thread. */
  /** Whether a subscription (or static receiver) is enabled right now; for tests and diagnostics. */
  Future<Boolean> enabled(String subscriptionId) {
    return directory.current(System.currentTimeMillis())
        .map(targets -> targets.containsKey(subscriptionId) && targets.get(subscriptionId).enabled());
  }

  public DeliveryLog deliveryLog() {
    return deliveryLog;
  }

  /** Ids of the static receivers, in configuration order ({@code static-0} is the first). */
  public List<String> receiverIds() {
    return directory.statics().stream().map(Receiver::id).toList();
  }

  /** For tests: the targets as deliveries see them now. */
  Future<Map<String, Target>> targets() {
    return directory.current(System.currentTimeMillis());
  }
}
