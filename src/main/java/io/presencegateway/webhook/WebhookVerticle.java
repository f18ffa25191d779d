package io.presencegateway.webhook;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.ConfigException;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.store.PresenceStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Owns the outbound webhook client. Takes events from the store's delivery claim (with Redis a
 * consumer group: exactly one instance of the cluster turns each event into deliveries), hands
 * each to every receiver's {@link ReceiverLane}, then acknowledges it. Receivers are the static
 * {@code WEBHOOK_URL} and {@code WEBHOOKS} entries; their targets pass the {@link TargetGuard} at
 * start (a refused one stops the start) and again at every connect.
 */
public final class WebhookVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookVerticle.class);
  private static final int CLAIM_BATCH = 100;
  private static final long CLAIM_WAIT_MS = 2_000;
  private static final long CLAIM_RETRY_MS = 1_000;
  /** Concurrent attempts (and pooled connections) per receiver. */
  static final int MAX_IN_FLIGHT = 4;
  private static final int LOG_CAPACITY = 10_000;

  private final GatewayServices services;
  private final String consumerId = "webhook-" + UUID.randomUUID();
  private final Map<String, ReceiverLane> lanes = new LinkedHashMap<>();
  private final DeliveryLog deliveryLog = new DeliveryLog(LOG_CAPACITY);
  private DeliveryQueue queue;
  private TargetGuard guard;
  private boolean stopped;

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
      queue = new InMemoryDeliveryQueue(vertx);
      queue.onDue(job -> lanes.get(job.receiverId()).due(job));
      RetryPolicy retry = new RetryPolicy(config.retrySchedule());
      for (Receiver r : receivers) {
        WebhookSender sender = new WebhookSender(vertx, r, guard, config.timeoutMs(), MAX_IN_FLIGHT);
        lanes.put(r.id(), new ReceiverLane(r, sender, queue, retry, deliveryLog, MAX_IN_FLIGHT));
      }
      if (!receivers.isEmpty()) {
        receivers.forEach(r -> LOG.info("Webhook receiver {} at host {}", r.id(), r.host()));
        claimNext();
      }
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    if (queue != null) {
      queue.close();
    }
    return Future.all(lanes.values().stream().map(ReceiverLane::close).toList()).mapEmpty();
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

  private void claimNext() {
    if (stopped) {
      return;
    }
    PresenceStore store = services.store();
    store.claimForDelivery(consumerId, CLAIM_BATCH, CLAIM_WAIT_MS)
        .compose(events -> {
          events.forEach(this::dispatch);
          return Future.all(events.stream().map(e -> store.ackDelivery(consumerId, e.id())).toList());
        })
        .onSuccess(v -> claimNext())
        .onFailure(e -> {
          LOG.warn("Claiming events for webhook delivery failed, retrying in {} ms: {}", CLAIM_RETRY_MS, e.toString());
          vertx.setTimer(CLAIM_RETRY_MS, t -> claimNext());
        });
  }

  /** Turns one event into work for every receiver; lanes never block, so this never waits on a receiver. */
  private void dispatch(PresenceEvent event) {
    lanes.values().forEach(lane -> lane.offer(event));
  }

  /** The attempt log (oldest first); readable from any thread. */
  public DeliveryLog deliveryLog() {
    return deliveryLog;
  }

  /** Ids of the receivers, in configuration order ({@code static-0} is the first). */
  public List<String> receiverIds() {
    return List.copyOf(lanes.keySet());
  }
}
