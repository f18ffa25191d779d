package io.presencegateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Set;

/**
 * CORS for the configured origins only (PRODUCT.md §6): the exact request origin is echoed, never
 * {@code *}, so allowing credentials stays safe. Preflights are answered here, before the API key
 * check (browsers send no {@code Authorization} on a preflight). Browsers do not apply CORS to
 * WebSockets, so {@link #allowsWebSocketOrigin} guards the handshake against cross-site hijacking.
 */
public final class Cors implements Handler<RoutingContext> {
  private static final String ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
  private static final String ALLOW_HEADERS = "Authorization, Content-Type, Last-Event-ID";
  private static final String MAX_AGE_S = "600";

  private final Set<String> origins;

  public Cors(List<String> origins) {
    this.origins = Set.copyOf(origins);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String origin = request.getHeader("Origin");
    boolean allowed = origin != null && origins.contains(origin);
    if (allowed) {
      ctx.response().putHeader("Access-Control-Allow-Origin", origin).putHeader("Access-Control-Allow-Credentials", "true")
          .putHeader("Vary", "Origin");
    }
    if (isPreflight(request)) {
      answerPreflight(ctx, allowed);
    } else {
      ctx.next();
    }
  }

  private static boolean isPreflight(HttpServerRequest request) {
    return request.method() == HttpMethod.OPTIONS && request.getHeader("Origin") != null
        && request.getHeader("Access-Control-Request-Method") != null;
  }

  private static void answerPreflight(RoutingContext ctx, boolean allowed) {
    if (!allowed) {
      ErrorMapper.send(ctx, new ApiError(403, "forbidden", "origin not allowed"));
      return;
    }
    ctx.response().setStatusCode(204).putHeader("Access-Control-Allow-Methods", ALLOW_METHODS)
        .putHeader("Access-Control-Allow-Headers", ALLOW_HEADERS).putHeader("Access-Control-Max-Age", MAX_AGE_S).end();
  }

  /** A WebSocket handshake is accepted from no origin (non-browser), the same origin or a configured one. */
  public boolean allowsWebSocketOrigin(HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    if (origin == null || origins.contains(origin)) {
      return true;
    }
    String host = request.getHeader("Host");
    return host != null && (origin.equals("http://" + host) || origin.equals("https://" + host));
  }
}
