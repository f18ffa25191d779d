package io.presencegateway.http;

import io.presencegateway.GatewayServices;
import io.presencegateway.sse.SseChannel;
import io.presencegateway.ws.WsChannel;
import io.presencegateway.poll.WatchlistEditor;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.List;

/**
 * Owns the HTTP port. Deployed once per event loop; Vert.x shares the port between the instances
 * round-robin, so every instance mounts the same routes: REST APIs, the SSE and WebSocket channels,
 * health and the page at {@code /}.
 */
public final class HttpVerticle extends VerticleBase {
  /** Request bodies of the API are small JSON documents; anything bigger is refused with 413. */
  static final long MAX_BODY_BYTES = 64 * 1024;

  private final GatewayServices services;
  private final int port;
  private HttpServer server;

  public HttpVerticle(GatewayServices services, int port) {
    this.services = services;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    Cors cors = new Cors(services.config().channels().corsOrigins());
    router.route().handler(cors);
    router.route("/v1/*").handler(new ApiKeyAuth(services.config().http().apiKeys()));
    router.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    for (RouteMount mount : mounts(cors)) {
      mount.mount(router);
    }
    router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
    router.route().failureHandler(ErrorMapper::handle);
    router.route().last().handler(ctx -> ErrorMapper.send(ctx, ApiError.notFound("no such resource: " + ctx.normalizedPath())));
    HttpServerOptions options = new HttpServerOptions().setHost(services.config().http().host()).setPort(port)
        .setCompressionSupported(false).setIdleTimeout(0)
        .setMaxWebSocketFrameSize(WsChannel.MAX_FRAME_BYTES).setMaxWebSocketMessageSize(WsChannel.MAX_MESSAGE_BYTES);
    return vertx.createHttpServer(options).requestHandler(router).listen().onSuccess(s -> server = s);
  }

  /** Order matters: the channels' fixed paths before the read API's {@code /v1/presence/:personId}. */
  private List<RouteMount> mounts(Cors cors) {
    ChannelRegistry channels = ChannelRegistry.of(services);
    return List.of(
        new SseChannel(vertx, services, channels),
        new WsChannel(vertx, services, channels, cors),
        new PresenceApi(services.store()),
        new StatusMessageApi(services.store()),
        new HealthApi(vertx, services),
        new SubscriptionApi(vertx, services),
        new WatchlistApi(new WatchlistEditor(services.watchlist(), services.config().webex().watch(), services.config().upstream().watchMax())),
        new PeopleDirectoryApi(services.store())
    );
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
