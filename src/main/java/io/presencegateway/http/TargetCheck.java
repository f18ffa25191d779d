package io.presencegateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Decodes the request target's path and query once, up front: a broken percent-escape
 * ({@code /v1/presence?x=%ZZ}, {@code /v1/presence/%ZZ}) is the client's mistake and gets a 400 in
 * the usual error shape here, instead of failing later inside the router or whichever handler
 * reads a parameter first (a 500, or a plain-text 400, with a stack trace quoting the whole URL).
 */
public final class TargetCheck implements Handler<RoutingContext> {
  @Override
  public void handle(RoutingContext ctx) {
    try {
      ctx.normalizedPath();
    } catch (IllegalArgumentException e) {
      ErrorMapper.send(ctx, ApiError.badRequest("the path is malformed (bad percent-encoding): encode '%' as %25"));
      return;
    }
    String query = ctx.request().query();
    if (query != null && !query.isEmpty()) {
      try {
        ctx.request().params();
        ctx.queryParams();
      } catch (IllegalArgumentException e) {
        ErrorMapper.send(ctx, ApiError.badRequest("the query string is malformed (bad percent-encoding): encode '%' as %25"));
        return;
      }
    }
    ctx.next();
  }
}
