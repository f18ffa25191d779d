package io.presencegateway;

import io.presencegateway.config.ConfigLoader;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.event.LogRelayVerticle;
import io.presencegateway.event.PresenceEventCodec;
import io.presencegateway.http.HttpVerticle;
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
import java.util.UUID;

/**
 * Start order of one gateway instance: validate the config, open the store, start the simulator
 * when it is the source, then the log relay, the HTTP verticles (one per event loop), the webhook
 * sender and last the poller, so that nothing is detected before it can be delivered.
 */
public class MainVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MainVerticle.class);

  private final GatewayConfig given;
  private GatewayServices services;
  private int httpPort;
  private int simulatorPort;

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
    registerCodec();
    return Stores.create(vertx, config.store())
        .compose(store -> {
          services = new GatewayServices(config, store, new PollStatus(), WebhookStores.create(vertx, config.store()),
              Stores.watchlist(vertx, config.store()), Stores.upstream(vertx, config.store()));
          return upstream(config);
        })
        .compose(webex -> deploy(new LogRelayVerticle(services.store())).map(webex))
        .compose(webex -> deployHttp().map(webex))
        .compose(webex -> deploy(new WebhookVerticle(services)).map(webex))
        .compose(webex -> deploy(new PollerVerticle(services, webex)))
        .onSuccess(v -> LOG.info("Presence Gateway listening on http://{}:{}/ (store: {}, source: {})",
            displayHost(config.http().host()), httpPort, config.store().redis() ? "redis" : "memory",
            config.source().name().toLowerCase()));
  }

  @Override
  public Future<?> stop() {
    return services == null ? Future.succeededFuture()
        : Future.join(services.webhooks().close(), services.watchlist().close(), services.upstream().close(),
            services.store().close()).mapEmpty();
  }

  /** The Webex settings the poller uses: the simulator's address when it is the source. */
  private Future<GatewayConfig.Webex> upstream(GatewayConfig config) {
    if (config.source() != GatewayConfig.Source.SIMULATOR) {
      return Future.succeededFuture(config.webex());
    }
    String token = "sim-" + UUID.randomUUID();
    WebexSimulatorVerticle simulator = new WebexSimulatorVerticle(config.simulator(), token);
    return deploy(simulator).map(id -> {
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
    return deploy(first).compose(id -> {
      httpPort = first.actualPort();
      if (instances == 1) {
        return Future.succeededFuture(id);
      }
      int shared = configured == 0 ? -1 : httpPort;
      return vertx.deployVerticle(() -> new HttpVerticle(services, shared), new DeploymentOptions().setInstances(instances - 1));
    });
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
