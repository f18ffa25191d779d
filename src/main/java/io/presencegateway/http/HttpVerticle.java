package io.presencegateway.http;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.metrics.GatewayMetrics;
import io.presencegateway.sse.SseChannel;
import io.presencegateway.ws.WsChannel;
import io.presencegateway.poll.WatchlistEditor;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Owns the HTTP port. Deployed once per event loop; Vert.x shares the port between the instances
 * round-robin, so every instance mounts the same routes: REST APIs, the SSE and WebSocket channels,
 * health and the page at {@code /}.
 */
public final class HttpVerticle extends VerticleBase {
  /** Request bodies of the API are small JSON documents; anything bigger is refused with 413. */
  static final long MAX_BODY_BYTES = 64 * 1024;
  static final int MAX_REQUEST_LINE = 64 * 1024;

  private final GatewayServices services;
  private final int port;
  private HttpServer server;
  private Router router;
  private ConnectionGuard connections;

  public HttpVerticle(GatewayServices services, int port) {
    this.services = services;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return ContractValidation.load(vertx).compose(validation -> listen(validation, validation.source()));
  }

  private Future<HttpServer> listen(ContractValidation validation, Buffer contract) {
    GatewayConfig.Channels limits = services.config().channels();
    connections = new ConnectionGuard(ChannelRegistry.of(services).metrics(), limits.maxHttpConnections(),
        limits.requestTimeoutMs(), limits.idleTimeoutMs());
    connections.start(vertx);
    router = Router.router(vertx);
    Cors cors = new Cors(services.config().channels().corsOrigins());
    router.route().handler(new AccessLog());
    router.route().handler(cors);
    router.route().handler(new TargetCheck());
    router.route("/v1/*").handler(new ApiKeyAuth(services.config().http().apiKeys()));
    router.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));
    router.route().handler(validation);
    for (RouteMount mount : mounts(cors, contract)) {
      mount.mount(router);
    }
    router.route("/*").handler(StaticHandler.create("webroot").setCachingEnabled(false));
    router.route().failureHandler(ErrorMapper::handle);
    router.route().last().handler(ctx -> unmatched(ctx, validation));
    HttpServerOptions options = new HttpServerOptions().setHost(services.config().http().host()).setPort(port)
        // no blanket idle timeout: streams are quiet between heartbeats; ConnectionGuard times out
        // connections that send no request (HTTP_REQUEST_TIMEOUT_MS, HTTP_IDLE_TIMEOUT_MS) instead
        .setCompressionSupported(false).setIdleTimeout(0)
        // HTTP/1.1 only: telling h2c from HTTP/1 waits for the first bytes, so a client that sends
        // nothing would never reach ConnectionGuard (browsers use HTTP/2 over TLS only anyway)
        .setHttp2ClearTextEnabled(false)
        // EventSource can filter only through the query string: room for ~700 ids instead of ~45
        .setMaxInitialLineLength(MAX_REQUEST_LINE).setMaxHeaderSize(16 * 1024)
        .setMaxWebSocketFrameSize(WsChannel.MAX_FRAME_BYTES).setMaxWebSocketMessageSize(WsChannel.MAX_MESSAGE_BYTES)
        // no WebSocket compression: the frame limit applies before inflation, so a 64 KiB
        // permessage-deflate frame could inflate to gigabytes on the event loop. Clients only send
        // small control messages; a frame that claims compression anyway is a protocol error (1002).
        .setPerMessageWebSocketCompressionSupported(false).setPerFrameWebSocketCompressionSupported(false);
    return vertx.createHttpServer(options).connectionHandler(connections::opened)
        .requestHandler(request -> {
          connections.request(request);
          router.handle(request);
        })
        .listen().onSuccess(s -> server = s);
  }

  /** No route took the request: 405 with {@code Allow} when the contract has the path with other methods, else 404. */
  private static void unmatched(RoutingContext ctx, ContractValidation validation) {
    String path = ctx.normalizedPath();
    List<String> allowed = validation.methodsAt(path);
    if (allowed.isEmpty()) {
      ErrorMapper.send(ctx, ApiError.notFound("no such resource: " + path));
      return;
    }
    ctx.response().putHeader("Allow", String.join(", ", allowed));
    ErrorMapper.send(ctx, new ApiError(405, "method_not_allowed",
        ctx.request().method().name() + " is not allowed on " + path + " (allowed: " + String.join(", ", allowed) + ")"));
  }

  /**
   * Unbinds at once (new connections are refused, so a load balancer moves on) and gives open
   * connections the shutdown bound to end; the streams have normally been told to reconnect before.
   */
  @Override
  public Future<?> stop() {
    if (connections != null) {
      connections.stop(vertx);
    }
    return server == null ? Future.succeededFuture()
        : server.shutdown(services.config().ops().shutdownTimeoutMs(), TimeUnit.MILLISECONDS);
  }

  /** Order matters: the channels' fixed paths before the read API's {@code /v1/presence/:personId}. */
  private List<RouteMount> mounts(Cors cors, Buffer contract) {
    ChannelRegistry channels = ChannelRegistry.of(services);
    return List.of(
        new SseChannel(vertx, services, channels, connections),
        new WsChannel(vertx, services, channels, cors, connections),
        new PresenceApi(services.store()),
        new StatusMessageApi(services.store(), services.config().upstream().statusMessagesMax()),
        new HealthApi(vertx, services),
        new SubscriptionApi(vertx, services),
        new WatchlistApi(new WatchlistEditor(services.watchlist(), services.config().webex().watch(), services.config().upstream().watchMax())),
        new PeopleDirectoryApi(services.store()),
        new OpsApi(GatewayMetrics.of(services), contract)
    );
  }

  /** The routes, for the test that checks each is described by the contract. */
  public Router router() {
    return router;
  }

  /** This instance's open HTTP connections (for tests). */
  public ConnectionGuard connections() {
    return connections;
  }

  /** The port actually bound (differs from the configured one when that was 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
