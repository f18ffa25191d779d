package io.presencegateway.http;

import io.presencegateway.GatewayServices;
import io.presencegateway.poll.PollStatus;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code GET /health/live}: 200 while every event loop runs a task within a second
 * ({@link EventLoopProbe}), 503 when one is blocked or starved. {@code GET /health/ready}: 200 when
 * the store answers a ping within its timeout, the instance is not shutting down and, on the
 * instance that holds the poll lease, the last successful cycle is recent, upstream accepts the
 * token and has not throttled us past the staleness bound; 503 otherwise, with the reason per check
 * in the JSON body. A standby instance (another one polls) is ready as long as its store is, and
 * says who holds the lease.
 */
public final class HealthApi implements RouteMount {
  /** A cycle may be late by this many intervals before the poller counts as failing. */
  static final int MISSED_CYCLES = 3;

  private final Vertx vertx;
  private final GatewayServices services;
  private final Instant startedAt = Instant.now();

  public HealthApi(Vertx vertx, GatewayServices services) {
    this.vertx = vertx;
    this.services = services;
  }

  @Override
  public void mount(Router router) {
    EventLoopProbe eventLoops = new EventLoopProbe(vertx, EventLoopProbe.BOUND_MS);
    // the procedure's own timeout is left room so that a stuck loop is a clean DOWN (503), not a 500
    HealthChecks live = HealthChecks.create(vertx).register("event-loops", EventLoopProbe.BOUND_MS + 1_000, eventLoops::check);
    HealthChecks ready = HealthChecks.create(vertx)
        .register("store", procedureTimeoutMs(), this::checkStore)
        .register("poller", procedureTimeoutMs(), this::checkPoller)
        .register("shutdown", this::checkShutdown);
    router.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
  }

  private long storeTimeoutMs() {
    return services.config().store().redisTimeoutMs();
  }

  /**
   * The health-check framework answers 500 when a procedure itself times out; giving the store's
   * own timeout room to fire first turns a stalled store into a clean KO (503) with its reason.
   */
  private long procedureTimeoutMs() {
    return storeTimeoutMs() + 1_000;
  }

  private void checkStore(Promise<Status> promise) {
    String kind = services.config().store().redis() ? "redis" : "memory";
    services.store().ping().timeout(storeTimeoutMs(), java.util.concurrent.TimeUnit.MILLISECONDS).onComplete(ar -> promise.tryComplete(ar.succeeded()
        ? Status.OK(new JsonObject().put("store", kind))
        : Status.KO(new JsonObject().put("store", kind).put("error", String.valueOf(ar.cause().getMessage())))));
  }

  /** Once shutdown began, the load balancer must stop sending traffic here. */
  private void checkShutdown(Promise<Status> promise) {
    boolean draining = ChannelRegistry.of(services).draining();
    promise.complete(draining ? Status.KO(new JsonObject().put("error", "shutting down")) : Status.OK());
  }

  private void checkPoller(Promise<Status> promise) {
    Status status = pollerStatus(services.pollStatus(), Instant.now());
    if (services.pollStatus().leader()) {
      promise.complete(status);
      return;
    }
    services.store().leaseHolder().timeout(storeTimeoutMs(), java.util.concurrent.TimeUnit.MILLISECONDS).onComplete(ar -> {
      if (ar.succeeded()) {
        status.getData().put("leaseHolder", ar.result().orElse(null));
      }
      promise.tryComplete(status);
    });
  }

  Status pollerStatus(PollStatus poll, Instant now) {
    JsonObject data = new JsonObject().put("leader", poll.leader())
        .put("effectiveIntervalMs", poll.effectiveIntervalMs() > 0 ? poll.effectiveIntervalMs() : services.config().poll().intervalMs());
    Instant throttledUntil = poll.throttledUntil();
    boolean throttled = throttledUntil != null && throttledUntil.isAfter(now);
    data.put("throttled", throttled);
    if (throttled) {
      data.put("throttledUntil", throttledUntil.toString());
    }
    if (poll.stoppedReason() != null) {
      return Status.KO(data.put("role", "stopped").put("error", "polling stopped: " + poll.stoppedReason()));
    }
    if (!poll.leader()) {
      return Status.OK(data.put("role", "standby"));
    }
    Instant last = poll.lastSuccess();
    Duration bound = staleAfter(poll);
    data.put("callsLastCycle", poll.lastCycleCalls()).put("upstreamCalls", poll.upstreamCalls())
        .put("watch", poll.watchingOrg() ? "org" : poll.watchedIds() + " ids");
    if (poll.unauthorized()) {
      return Status.KO(data.put("error", "upstream refuses the token (401)"));
    }
    if (throttled && Duration.between(now, throttledUntil).compareTo(bound) > 0) {
      return Status.KO(data.put("error", "upstream throttles us (Retry-After) for longer than " + bound.toMillis() + " ms"));
    }
    if (last == null) {
      boolean starting = Duration.between(startedAt, now).compareTo(bound) < 0;
      data.put("lastSuccess", (String) null);
      return starting ? Status.OK(data.put("role", "starting")) : Status.KO(data.put("error", "no successful cycle yet"));
    }
    data.put("lastSuccess", last.toString()).put("lastError", poll.lastError());
    if (Duration.between(last, now).compareTo(bound) > 0) {
      return Status.KO(data.put("error", "no successful cycle for more than " + bound.toMillis() + " ms"));
    }
    return Status.OK(data.put("role", "polling"));
  }

  /** Three (possibly widened) intervals plus one upstream timeout. */
  private Duration staleAfter(PollStatus poll) {
    long interval = poll.effectiveIntervalMs() > 0 ? poll.effectiveIntervalMs() : services.config().poll().intervalMs();
    return Duration.ofMillis(MISSED_CYCLES * interval + services.config().webex().timeoutMs());
  }
}
