package io.presencegateway.simulator;

import io.presencegateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.UUID;

/**
 * A Webex-compatible People API on its own port: the embedded default source and the test double.
 * The poller reaches it over HTTP exactly as it reaches Webex. Synthetic people (seeded, so runs
 * repeat) change presence every {@code changeIntervalMs}; a control API under {@code /v1/simulator}
 * sets people and injects faults. Everything runs on this verticle's one event loop, so its state
 * needs no locking.
 */
public final class WebexSimulatorVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WebexSimulatorVerticle.class);

  private final GatewayConfig.Simulator settings;
  private final String token;
  private HttpServer server;
  private long changeTimer = -1;
  private int port;

  public WebexSimulatorVerticle(GatewayConfig.Simulator settings, String token) {
    this.settings = settings;
    this.token = token;
  }

  @Override
  public Future<?> start() {
    SimulatedOrg org = SimulatedOrg.generate(settings.people(), settings.seed(), Instant.now());
    Router router = router(org);
    if (settings.changeIntervalMs() > 0) {
      changeTimer = vertx.setPeriodic(settings.changeIntervalMs(), t -> org.changeSomebody(Instant.now())
          .ifPresent(p -> LOG.debug("Simulated {} is now {}", p.displayName(), p.status())));
    }
    return vertx.createHttpServer().requestHandler(router).listen(settings.port(), settings.host())
        .onSuccess(s -> {
          server = s;
          port = s.actualPort();
          LOG.info("Webex simulator: {} people in one org on {}:{}", settings.people(), settings.host(), port);
        });
  }

  @Override
  public Future<?> stop() {
    if (changeTimer >= 0) {
      vertx.cancelTimer(changeTimer);
    }
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The port actually bound (useful with port 0). */
  public int actualPort() {
    return port;
  }

  private Router router(SimulatedOrg org) {
    Router router = Router.router(vertx);
    // every response carries a TrackingID, like Webex: clients log it with errors
    router.route().handler(ctx -> {
      String trackingId = "SIM_" + UUID.randomUUID();
      ctx.put(PeopleApi.TRACKING_ID, trackingId);
      ctx.response().putHeader("TrackingID", trackingId);
      ctx.next();
    });
    FaultInjector faults = new FaultInjector();
    RequestLog requests = new RequestLog();
    SimulatedAuth auth = new SimulatedAuth(token);
    new ControlApi(org, faults, requests, auth).mount(router);
    new PeopleApi(vertx, org, faults, requests, auth).mount(router);
    router.route().last().handler(ctx -> PeopleApi.webexError(ctx, 404, "The requested resource could not be found."));
    // body too large, bad JSON and the like: the same Webex-style JSON error as every other answer
    router.route().failureHandler(ctx -> PeopleApi.webexError(ctx, ctx.statusCode() >= 400 && ctx.statusCode() < 500
        ? ctx.statusCode() : 500, ctx.statusCode() == 413 ? "Request body too large." : "The request could not be processed."));
    return router;
  }
}
