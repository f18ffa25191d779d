package io.presencegateway.ws;

import io.presencegateway.GatewayServices;
import io.presencegateway.event.PresenceFilter;
import io.presencegateway.http.AccessLog;
import io.presencegateway.http.ApiError;
import io.presencegateway.http.ChannelRegistry;
import io.presencegateway.http.ConnectionGuard;
import io.presencegateway.http.Cors;
import io.presencegateway.http.ErrorMapper;
import io.presencegateway.http.FrameCache;
import io.presencegateway.http.RouteMount;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WebSocket at {@code GET /v1/presence/ws} (PRODUCT.md §5.3), upgraded from the router so that the
 * API key, origin, filter and connection limit are all checked (and refused with a plain HTTP
 * status) before the upgrade. A client may subscribe in the query ({@code ?ids=&statuses=&since=})
 * or by message. One instance per HTTP verticle: its message cache serves that event loop.
 */
public final class WsChannel implements RouteMount {
  public static final String PATH = "/v1/presence/ws";
  /** Inbound limits: one frame, one reassembled message. Enough for a subscribe of ~700 ids. */
  public static final int MAX_FRAME_BYTES = 64 * 1024;
  public static final int MAX_MESSAGE_BYTES = 64 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(WsChannel.class);

  private final Vertx vertx;
  private final GatewayServices services;
  private final ChannelRegistry registry;
  private final Cors cors;
  private final ConnectionGuard connections;
  private final FrameCache<String> messages = new FrameCache<>(WsMessages::event);

  public WsChannel(Vertx vertx, GatewayServices services, ChannelRegistry registry, Cors cors, ConnectionGuard connections) {
    this.vertx = vertx;
    this.services = services;
    this.registry = registry;
    this.cors = cors;
    this.connections = connections;
  }

  @Override
  public void mount(Router router) {
    router.get(PATH).handler(this::upgrade);
  }

  private void upgrade(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      throw ApiError.badRequest("expected a WebSocket upgrade (Upgrade: websocket)");
    }
    if (!cors.allowsWebSocketOrigin(request)) {
      ErrorMapper.send(ctx, new ApiError(403, "forbidden", "origin not allowed"));
      return;
    }
    WsSubscription initial = initialSubscription(ctx);
    if (ctx.response().closed()) {
      return; // the client left while the request was checked: take no slot for it
    }
    if (!registry.admit(ctx)) {
      return;
    }
    Future<ServerWebSocket> upgraded;
    try {
      upgraded = request.toWebSocket();
    } catch (RuntimeException e) {
      registry.limiter().release();
      throw e;
    }
    HttpConnection connection = request.connection();
    upgraded.onComplete(ar -> {
      if (ar.failed()) {
        registry.limiter().release();
        LOG.debug("WebSocket upgrade failed: {}", ar.cause().toString());
        return;
      }
      Runnable socketGone = connections.upgraded(connection);
      AccessLog.Entry entry = AccessLog.entry(ctx);
      WsConnection ws;
      try {
        ws = new WsConnection(vertx, ar.result(), services, registry, messages, entry == null ? null : entry.takeOver(), socketGone);
      } catch (RuntimeException e) {
        registry.limiter().release();
        socketGone.run();
        ar.result().close();
        throw e;
      }
      ws.open(initial);
    });
  }

  /** A subscription given in the query, or null to wait for a {@code subscribe} message. */
  private static WsSubscription initialSubscription(RoutingContext ctx) {
    HttpServerRequest r = ctx.request();
    String ids = r.getParam("ids");
    String statuses = r.getParam("statuses");
    String since = r.getParam("since");
    if (ids == null && statuses == null && since == null) {
      return null;
    }
    try {
      return new WsSubscription(PresenceFilter.parse(ids, statuses), since == null || since.isBlank() ? null : since.trim());
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }
}
