package io.presencegateway.http;

import io.presencegateway.GatewayServices;
import io.presencegateway.metrics.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the channels of one gateway share across its HTTP verticle instances: the connection limit
 * and the metrics. Looked up by the gateway's {@link GatewayServices}, which every instance
 * receives, so that two gateways in one JVM (tests) never share a count. Weak keys: a stopped
 * gateway's entry goes with it.
 */
public final class ChannelRegistry {
  private static final Map<GatewayServices, ChannelRegistry> BY_GATEWAY = new WeakHashMap<>();

  /** An open SSE or WebSocket client that can be told to reconnect elsewhere (graceful shutdown). */
  public interface Restartable {
    /** Sends the reconnect hint and closes; runs on the connection's own event loop. */
    void closeForRestart();
  }

  private final ConnectionLimiter limiter;
  private final ChannelMetrics metrics = new ChannelMetrics();
  private final Map<Restartable, Context> open = new ConcurrentHashMap<>();
  private volatile boolean draining;

  private ChannelRegistry(int maxConnections) {
    this.limiter = new ConnectionLimiter(maxConnections);
  }

  public static ChannelRegistry of(GatewayServices services) {
    synchronized (BY_GATEWAY) {
      return BY_GATEWAY.computeIfAbsent(services, s -> new ChannelRegistry(s.config().channels().maxConnections())
          .bind(GatewayMetrics.of(s)));
    }
  }

  /** Exposes the channels' counters and gauges as Prometheus series (read at scrape time). */
  private ChannelRegistry bind(GatewayMetrics m) {
    ChannelMetrics c = metrics;
    for (ChannelMetrics.Channel ch : ChannelMetrics.Channel.values()) {
      String tag = ch.name().toLowerCase(java.util.Locale.ROOT);
      m.gaugeFrom("presence_connections", "Open SSE/WebSocket connections", c, x -> x.connections(ch), "channel", tag);
      m.counterFrom(GatewayMetrics.EVENTS_SENT, GatewayMetrics.EVENTS_SENT_HELP, c, x -> x.eventsSent(ch), "channel", tag);
    }
    m.counterFrom("presence_slow_client_disconnects", "SSE/WebSocket clients dropped for not reading fast enough", c, ChannelMetrics::slowClientDisconnects);
    m.counterFrom("presence_resumes", "Stream resumes (Last-Event-ID, lastEventId, since)", c, ChannelMetrics::resumes);
    m.counterFrom("presence_resume_resets", "Resumes answered with a reset and a fresh snapshot", c, ChannelMetrics::resets);
    m.counterFrom("presence_connections_rejected", "Connections refused with 503 (limit reached or shutting down)", c, ChannelMetrics::rejectedConnections);
    m.gaugeFrom("presence_bus_consumers", "Live-event subscriptions held by open connections (served by one event bus consumer per event loop)", c, ChannelMetrics::busConsumers);
    m.gaugeFrom("presence_http_connections", "Open connections on the HTTP port, WebSockets included", c, ChannelMetrics::httpConnections);
    m.counterFrom("presence_http_connections_refused", "Connections closed as accepted: the HTTP port's cap (open-file limit minus reserve) was reached", c, ChannelMetrics::refusedAtAccept);
    m.counterFrom("presence_http_connections_timed_out", "Connections closed for sending no complete request in time, or no new one for too long", c, ChannelMetrics::timedOutConnections);
    return this;
  }

  /**
   * Takes a connection slot for a new SSE or WebSocket client, or answers 503 with a
   * {@code Retry-After} (jittered, so refused clients do not all come back at once).
   *
   * @return whether the connection may proceed; if so, the caller must release the slot once
   */
  public boolean admit(RoutingContext ctx) {
    if (!draining && limiter.tryAcquire()) {
      return true;
    }
    metrics.rejected();
    ctx.response().putHeader("Retry-After", Integer.toString(ThreadLocalRandom.current().nextInt(2, 11)));
    ErrorMapper.send(ctx, new ApiError(503, "unavailable", draining
        ? "this instance is shutting down, reconnect (another instance will answer)"
        : "this instance is at its connection limit, retry later"));
    return false;
  }

  /** Called by a connection once it streams; {@link #untrack} in its cleanup. */
  public void track(Restartable connection) {
    open.put(connection, Vertx.currentContext());
  }

  public void untrack(Restartable connection) {
    open.remove(connection);
  }

  /**
   * First step of a graceful shutdown: readiness answers 503 and new stream connections are refused
   * from now on, so the load balancer takes this instance out before anything else stops.
   */
  public void refuseNew() {
    draining = true;
  }

  /**
   * Graceful shutdown: refuse new connections from now on and tell every open client to reconnect
   * (each on its own event loop). Completes once every client has been told.
   */
  public Future<Void> drain() {
    refuseNew();
    List<Future<Void>> told = new ArrayList<>();
    for (Map.Entry<Restartable, Context> e : Set.copyOf(open.entrySet())) {
      Promise<Void> done = Promise.promise();
      e.getValue().runOnContext(v -> {
        try {
          e.getKey().closeForRestart();
        } finally {
          done.complete();
        }
      });
      told.add(done.future());
    }
    return Future.all(told).mapEmpty();
  }

  /** True once shutdown began: readiness fails and new stream connections are refused. */
  public boolean draining() {
    return draining;
  }

  /** Open stream connections being tracked (for tests and shutdown logs). */
  public int openConnections() {
    return open.size();
  }

  public ConnectionLimiter limiter() {
    return limiter;
  }

  public ChannelMetrics metrics() {
    return metrics;
  }
}
