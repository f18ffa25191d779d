package io.presencegateway.sse;

import io.presencegateway.GatewayServices;
import io.presencegateway.event.PresenceFilter;
import io.presencegateway.http.ApiError;
import io.presencegateway.http.ChannelRegistry;
import io.presencegateway.http.ConnectionGuard;
import io.presencegateway.http.FrameCache;
import io.presencegateway.http.RouteMount;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Server-Sent Events at {@code GET /v1/presence/stream} (PRODUCT.md §5.2). One instance per HTTP
 * verticle, so per event loop: its frame cache serves every connection of that loop.
 */
public final class SseChannel implements RouteMount {
  public static final String PATH = "/v1/presence/stream";
  static final String EVENT = "user-presence";

  private final Vertx vertx;
  private final GatewayServices services;
  private final ChannelRegistry registry;
  private final ConnectionGuard connections;
  private final FrameCache<Buffer> frames = new FrameCache<>((event, envelope) -> SseFrame.event(event.id(), EVENT, envelope));

  public SseChannel(Vertx vertx, GatewayServices services, ChannelRegistry registry, ConnectionGuard connections) {
    this.vertx = vertx;
    this.services = services;
    this.registry = registry;
    this.connections = connections;
  }

  @Override
  public void mount(Router router) {
    router.get(PATH).handler(this::open);
  }

  private void open(RoutingContext ctx) {
    PresenceFilter filter = filterOf(ctx);
    String since = resumeId(ctx);
    if (ctx.response().closed()) {
      return; // the client left while the request was checked: take no slot for it
    }
    if (!registry.admit(ctx)) {
      return;
    }
    SseConnection connection;
    try {
      connection = new SseConnection(vertx, ctx.response(), services, registry, frames, new FrameCache.Key(filter));
    } catch (RuntimeException e) {
      registry.limiter().release();
      throw e;
    }
    connection.open(ctx, connections, since);
  }

  /** Bad filters are a 400 before anything is streamed. */
  static PresenceFilter filterOf(RoutingContext ctx) {
    try {
      return PresenceFilter.parse(ctx.request().getParam("ids"), ctx.request().getParam("statuses"));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }

  /** {@code Last-Event-ID} (sent by EventSource on reconnect) wins over {@code ?lastEventId=}. */
  static String resumeId(RoutingContext ctx) {
    String id = ctx.request().getHeader("Last-Event-ID");
    if (id == null || id.isBlank()) {
      id = ctx.request().getParam("lastEventId");
    }
    return id == null || id.isBlank() ? null : id.trim();
  }
}
