package io.presencegateway;

import io.presencegateway.config.ConfigException;
import io.presencegateway.config.Setting;
import io.presencegateway.config.ConfigLoader;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.event.LogRelayVerticle;
import io.presencegateway.event.PresenceEventCodec;
import io.presencegateway.http.ChannelRegistry;
import io.presencegateway.http.HttpVerticle;
import io.presencegateway.metrics.GatewayMetrics;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.poll.PollerVerticle;
import io.presencegateway.simulator.WebexSimulatorVerticle;
import io.presencegateway.store.PresenceStore;
import io.presencegateway.store.Stores;
import io.presencegateway.store.WebhookStores;
import io.presencegateway.webhook.WebhookVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Start order of one gateway instance: validate the config, open the store, start the simulator
 * when it is the source, then the log relay, the HTTP verticles (one per event loop), the webhook
 * sender and last the poller, so that nothing is detected before it can be delivered.
 *
 * <p>Shutdown ({@link #shutdown()}, run by the launcher on SIGTERM before Vert.x closes, and by
 * {@link #stop()}) goes the other way within {@code SHUTDOWN_TIMEOUT_MS}: readiness turns 503 first
 * (the load balancer stops sending new clients), then polling stops and the lease is released
 * (another instance takes over), the HTTP server stops accepting connections and tells SSE and
 * WebSocket clients to reconnect elsewhere, the webhook sender lets its attempts finish for what is
 * left of the bound (less {@link #handBackReserveMs}) and hands back the rest, then the store closes.
 */
public class MainVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MainVerticle.class);

  private final GatewayConfig given;
  private GatewayServices services;
  private int httpPort;
  private int simulatorPort;
  private volatile boolean running;
  private String pollerId;
  private String webhookId;
  private WebhookVerticle webhook;
  private String relayId;
  private String simulatorId;
  private final List<String> httpIds = new ArrayList<>();
  private Future<Void> shutdown;

  /** Used by the launcher: configuration from {@code config()} (file or -conf) and the environment. */
  public MainVerticle() {
    this(null);
  }

  /** Used by tests and embedders: an already validated configuration, no environment. */
  public MainVerticle(GatewayConfig config) {
    this.given = config;
  }

  @Override
  public Future<?> start() {
    GatewayConfig config = given != null ? given : ConfigLoader.load(config(), System.getenv());
    LOG.info("Starting with {}", config);
    warnIfOpen(config.http());
    registerCodec();
    return Stores.create(vertx, config.store())
        .compose(store -> {
          services = new GatewayServices(config, store, new PollStatus(), WebhookStores.create(vertx, config.store()),
              Stores.watchlist(vertx, config.store()), Stores.upstream(vertx, config.store()));
          GatewayMetrics.of(services);
          return upstream(config);
        })
        .compose(webex -> deploy(new LogRelayVerticle(services.store())).map(id -> relayId = id).map(webex))
        .compose(webex -> deployHttp().map(webex))
        .compose(webex -> deploy(webhook = new WebhookVerticle(services)).map(id -> webhookId = id).map(webex))
        .compose(webex -> deploy(new PollerVerticle(services, webex)).map(id -> pollerId = id))
        .onSuccess(v -> running = true)
        .onSuccess(v -> LOG.info("Presence Gateway listening on http://{}:{}/ (store: {}, source: {})",
            displayHost(config.http().host()), httpPort, config.store().redis() ? "redis" : "memory",
            config.source().name().toLowerCase()));
  }

  @Override
  public Future<?> stop() {
    return shutdown();
  }

  /**
   * The orderly shutdown; idempotent (the launcher's SIGTERM hook and {@link #stop()} both call it).
   * Each step that fails or hangs is logged and skipped, and the whole is bounded by
   * {@code SHUTDOWN_TIMEOUT_MS}: the store is closed in any case.
   */
  /** Undeploys what a failed start left behind and closes the stores, at debug level. */
  private Future<Void> quietly(long bound) {
    LOG.debug("Start failed: undeploying what was deployed");
    return Future.join(List.of(undeploy("poller", pollerId), undeployHttp(), undeploy("webhook sender", webhookId),
            undeploy("log relay", relayId), undeploy("simulator", simulatorId)))
        .timeout(bound, TimeUnit.MILLISECONDS).recover(e -> Future.succeededFuture())
        .compose(v -> Future.join(services.webhooks().close(), services.watchlist().close(), services.upstream().close(),
            services.store().close()).<Void>mapEmpty().recover(e -> Future.succeededFuture()));
  }

  public synchronized Future<Void> shutdown() {
    if (shutdown != null) {
      return shutdown;
    }
    if (services == null) {
      return shutdown = Future.succeededFuture();
    }
    long bound = services.config().ops().shutdownTimeoutMs();
    long started = System.nanoTime();
    ChannelRegistry channels = ChannelRegistry.of(services);
    if (!running) {
      // a start that failed (its one-line reason is already printed) undoes what it deployed quietly:
      // the step-by-step shutdown story would read as if a running gateway had stopped
      return shutdown = quietly(bound);
    }
    LOG.info("Shutting down (bound {} ms): readiness 503, polling stops, {} stream client(s) are told to reconnect, "
        + "webhook attempts finish or are handed back", bound, channels.openConnections());
    channels.refuseNew();
    LOG.info("Shutdown: readiness is 503 and new stream connections are refused");
    Future<Void> ordered = undeploy("poller", pollerId)
        .andThen(v -> LOG.info("Shutdown: polling stopped, lease released"))
        .compose(v -> Future.all(undeployHttp(), channels.drain()).<Void>mapEmpty())
        .andThen(v -> LOG.info("Shutdown: HTTP server closed, stream clients told to reconnect"))
        .compose(v -> stopWebhooks(bound, started))
        .andThen(v -> LOG.info("Shutdown: webhook sender stopped"))
        .compose(v -> undeploy("log relay", relayId))
        .compose(v -> undeploy("simulator", simulatorId))
        .timeout(bound, TimeUnit.MILLISECONDS)
        .recover(e -> {
          LOG.warn("Shutdown did not finish within {} ms ({}); closing the store anyway", bound, e.toString());
          return Future.succeededFuture();
        });
    shutdown = ordered.compose(v -> Future.join(services.webhooks().close(), services.watchlist().close(), services.upstream().close(),
            services.store().close()).<Void>mapEmpty().recover(e -> Future.succeededFuture()))
        .onComplete(ar -> LOG.info("Shutdown complete in {} ms", (System.nanoTime() - started) / 1_000_000));
    return shutdown;
  }

  /**
   * Webhook attempts on the wire get what is left of the bound, less a reserve for handing back the
   * unanswered ones and closing the store; a receiver slower than that loses nothing (another instance
   * sends the job again at once, with the same webhook-id).
   */
  private Future<Void> stopWebhooks(long bound, long startedNanos) {
    if (webhook != null) {
      long elapsedMs = (System.nanoTime() - startedNanos) / 1_000_000;
      webhook.finishAttemptsWithin(bound - elapsedMs - handBackReserveMs(bound));
    }
    return undeploy("webhook sender", webhookId);
  }

  /** Part of the shutdown bound kept back from the webhook drain for the hand-back and the last steps. */
  static long handBackReserveMs(long bound) {
    return Math.min(bound / 4, 2_000);
  }

  private Future<Void> undeployHttp() {
    return Future.all(httpIds.stream().map(id -> undeploy("http", id)).toList()).mapEmpty();
  }

  /** Undeploys a child if it is still deployed (Vert.x may have undeployed it already when closing). */
  private Future<Void> undeploy(String what, String deploymentId) {
    if (deploymentId == null || !vertx.deploymentIDs().contains(deploymentId)) {
      return Future.succeededFuture();
    }
    return vertx.undeploy(deploymentId).recover(e -> {
      LOG.warn("Stopping the {} failed: {}", what, e.toString());
      return Future.succeededFuture();
    });
  }

  /** The Webex settings the poller uses: the simulator's address when it is the source. */
  private Future<GatewayConfig.Webex> upstream(GatewayConfig config) {
    if (config.source() != GatewayConfig.Source.SIMULATOR) {
      return Future.succeededFuture(config.webex());
    }
    // WEBEX_TOKEN, when given, is the token the simulator accepts, so that other instances can poll
    // this one simulator as their upstream (SOURCE=webex); otherwise a token nobody else knows
    String token = config.webex().token().isEmpty() ? "sim-" + UUID.randomUUID() : config.webex().token();
    WebexSimulatorVerticle simulator = new WebexSimulatorVerticle(config.simulator(), token);
    return deploy(simulator).recover(e -> Future.failedFuture(bindProblem(e, Setting.SIMULATOR_HOST, config.simulator().host(),
            Setting.SIMULATOR_PORT, config.simulator().port())))
        .map(id -> {
      simulatorId = id;
      simulatorPort = simulator.actualPort();
      URI base = URI.create("http://" + displayHost(config.simulator().host()) + ":" + simulatorPort + "/v1");
      LOG.info("Webex simulator serving the People API at {} (control: {}/simulator)", base, base);
      GatewayConfig.Webex w = config.webex();
      return new GatewayConfig.Webex(base, token, w.watch(), w.pageSize(), w.maxPages(), w.concurrency(),
          w.timeoutMs(), w.retryAfterDefault(), w.retryAfterMax());
    });
  }

  /**
   * One HTTP verticle per event loop; with port 0 the first one picks the port the others share.
   * Port 0 is passed to Vert.x as -1, its "shared random port": a later bind to the port the first
   * server got would not join it but fail with "address already in use".
   */
  private Future<String> deployHttp() {
    int instances = Math.max(1, Runtime.getRuntime().availableProcessors());
    int configured = services.config().http().port();
    HttpVerticle first = new HttpVerticle(services, configured == 0 ? -1 : configured);
    return deploy(first).recover(e -> Future.failedFuture(bindProblem(e, Setting.HTTP_HOST, services.config().http().host(),
        Setting.HTTP_PORT, configured))).compose(id -> {
      httpIds.add(id);
      httpPort = first.actualPort();
      if (instances == 1) {
        return Future.succeededFuture(id);
      }
      int shared = configured == 0 ? -1 : httpPort;
      return vertx.deployVerticle(() -> new HttpVerticle(services, shared), new DeploymentOptions().setInstances(instances - 1))
          .onSuccess(httpIds::add);
    });
  }

  /** Open by default is fine on loopback; on a network interface it deserves one clear warning. */
  private static void warnIfOpen(GatewayConfig.Http http) {
    boolean loopback = http.host().equals("127.0.0.1") || http.host().equals("::1") || http.host().equals("localhost");
    if (http.apiKeys().isEmpty() && !loopback) {
      LOG.warn("API_KEYS is empty and HTTP_HOST={} listens beyond loopback: anyone who reaches port {} can read presence "
          + "and change status messages, the watch list and webhook subscriptions. Set API_KEYS, or HTTP_HOST=127.0.0.1.",
          http.host(), http.port());
    }
  }

  /**
   * A port another process holds, or a host name that does not resolve, is a configuration problem:
   * one line naming the setting, no stack trace.
   */
  static Throwable bindProblem(Throwable failure, Setting hostSetting, String host, Setting portSetting, int port) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof java.net.BindException || String.valueOf(c.getMessage()).contains("Address already in use")) {
        return new ConfigException(portSetting, "port " + port + " is already in use: free it or choose another port with "
            + portSetting.name());
      }
      if (c instanceof java.net.UnknownHostException) {
        return new ConfigException(hostSetting, "'" + host + "' cannot be resolved to an address "
            + "(use an IP address, e.g. 0.0.0.0 for every interface or 127.0.0.1 for loopback only)");
      }
    }
    return failure;
  }

  private Future<String> deploy(VerticleBase verticle) {
    return vertx.deployVerticle(verticle);
  }

  private void registerCodec() {
    try {
      vertx.eventBus().registerCodec(new PresenceEventCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // several gateways in one Vert.x (tests): the codec is stateless, one registration serves all
    }
  }

  private static String displayHost(String host) {
    return "0.0.0.0".equals(host) ? "localhost" : host;
  }

  public GatewayServices services() {
    return services;
  }

  public int httpPort() {
    return httpPort;
  }

  public int simulatorPort() {
    return simulatorPort;
  }
}
