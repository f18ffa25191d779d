package io.presencegateway.http;

import io.presencegateway.GatewayServices;

import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the channels of one gateway share across its HTTP verticle instances: the connection limit
 * and the metrics. Looked up by the gateway's {@link GatewayServices}, which every instance
 * receives, so that two gateways in one JVM (tests) never share a count. Weak keys: a stopped
 * gateway's entry goes with it.
 */
public final class ChannelRegistry {
  private static final Map<GatewayServices, ChannelRegistry> BY_GATEWAY = new WeakHashMap<>();

  private final ConnectionLimiter limiter;
  private final ChannelMetrics metrics = new ChannelMetrics();

  private ChannelRegistry(int maxConnections) {
    this.limiter = new ConnectionLimiter(maxConnections);
  }

  public static ChannelRegistry of(GatewayServices services) {
    synchronized (BY_GATEWAY) {
      return BY_GATEWAY.computeIfAbsent(services, s -> new ChannelRegistry(s.config().channels().maxConnections()));
    }
  }

  /**
   * Takes a connection slot for a new SSE or WebSocket client, or answers 503 with a
   * {@code Retry-After} (jittered, so refused clients do not all come back at once).
   *
   * @return whether the connection may proceed; if so, the caller must release the slot once
   */
  public boolean admit(RoutingContext ctx) {
    if (limiter.tryAcquire()) {
      return true;
    }
    metrics.rejected();
    ctx.response().putHeader("Retry-After", Integer.toString(ThreadLocalRandom.current().nextInt(2, 11)));
    ErrorMapper.send(ctx, new ApiError(503, "unavailable", "this instance is at its connection limit, retry later"));
    return false;
  }

  public ConnectionLimiter limiter() {
    return limiter;
  }

  public ChannelMetrics metrics() {
    return metrics;
  }
}
