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
 * header is never logged. SSE streams and WebSockets get their line when they end (a WebSocket:
 * status 101 and the bytes of the messages sent). Health checks and scrapes, which a load balancer
 * and Prometheus make every few seconds, are logged at debug.
 */
public final class AccessLog implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger("access");
  private static final String ENTRY = AccessLog.class.getName() + ".entry";

  /**
   * One request's line, written once: by the routing context's end (a normal response, an SSE
   * stream that ends) or by a WebSocket when it closes ({@link #entry(RoutingContext)}).
   */
  public static final class Entry {
    private final String method;
    private final String target;
    private final String remote;
    private final boolean routine;
    private final long started = System.nanoTime();
    private boolean written;
    private boolean detached;

    private Entry(HttpServerRequest request) {
      this.method = request.method().name();
      this.target = target(request.path(), request.query());
      this.remote = remote(request);
      this.routine = request.path() != null && (request.path().startsWith("/health/") || request.path().equals("/metrics"));
    }

    /** Writes the line unless it was written already (the first end wins). */
    public void finish(int status, long bytes) {
      if (written) {
        return;
      }
      written = true;
      if (routine ? LOG.isDebugEnabled() : LOG.isInfoEnabled()) {
        String line = "{} {} {} {}ms {}B {}";
        Object[] args = {method, target, status, (System.nanoTime() - started) / 1_000_000, bytes, remote};
        if (routine) {
          LOG.debug(line, args);
        } else {
          LOG.info(line, args);
        }
      }
    }

    /** Hands the line to whoever now owns the connection (a WebSocket): the routing context's end no longer writes it. */
    public Entry takeOver() {
      detached = true;
      return this;
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    Entry entry = new Entry(ctx.request());
    ctx.put(ENTRY, entry);
    ctx.addEndHandler(ar -> {
      if (!entry.detached) {
        entry.finish(ctx.response().getStatusCode(), ctx.response().bytesWritten());
      }
    });
    ctx.next();
  }

  /** This request's line, for a WebSocket to write when it closes; null when the access log is not mounted. */
  public static Entry entry(RoutingContext ctx) {
    return ctx.get(ENTRY);
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
