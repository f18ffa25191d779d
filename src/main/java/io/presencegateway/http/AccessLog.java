package io.presencegateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per finished request on the {@code access} logger: method, path and query, status,
 * duration, bytes sent and the client address. The value of {@code access_token} (an API key given
 * in the query by EventSource clients), and of any parameter whose decoded name looks like a
 * credential, is replaced before anything is logged ({@link Redaction}); the {@code Authorization}
 * header is never logged. Health checks and scrapes, which a load balancer
 * and Prometheus make every few seconds, are logged at debug.
 */
public final class AccessLog implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger("access");

  @Override
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    HttpServerRequest request = ctx.request();
    String method = request.method().name();
    String target = target(request.path(), request.query());
    ctx.addEndHandler(ar -> {
      boolean routine = request.path() != null && (request.path().startsWith("/health/") || request.path().equals("/metrics"));
      if (routine ? LOG.isDebugEnabled() : LOG.isInfoEnabled()) {
        String line = "{} {} {} {}ms {}B {}";
        Object[] args = {method, target, ctx.response().getStatusCode(), (System.nanoTime() - started) / 1_000_000,
            ctx.response().bytesWritten(), remote(request)};
        if (routine) {
          LOG.debug(line, args);
        } else {
          LOG.info(line, args);
        }
      }
    });
    ctx.next();
  }

  /** Path and query with every secret-bearing parameter's value replaced by {@code ***}. */
  static String target(String path, String query) {
    if (query == null || query.isEmpty()) {
      return path;
    }
    return path + "?" + Redaction.query(query);
  }

  private static String remote(HttpServerRequest request) {
    return request.remoteAddress() == null ? "-" : request.remoteAddress().hostAddress();
  }
}
