package io.presencegateway.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Watches the HTTP connections of one HTTP verticle instance (so of one event loop: every method
 * runs on it), so that no client holds a connection, a file descriptor, without using it:
 * <ul>
 *   <li>a connection beyond the HTTP port's cap (open-file limit minus reserve, counted across
 *       instances, WebSockets included) is closed as it is accepted;</li>
 *   <li>a new connection must deliver a complete request (headers, then body) within the request
 *       timeout: silent clients and slowloris headers or bodies are closed;</li>
 *   <li>a keep-alive connection whose last response ended waits at most the idle timeout for its
 *       next request.</li>
 * </ul>
 * A request being answered is never timed out here: SSE streams and WebSockets stay as long as
 * they are served (they have heartbeats, and their own slow/dead client detection). A sweep every
 * fraction of the shorter timeout does the checks, without any per-request timer or handler slot.
 *
 * <p>It also owns each connection's close handler and tells whoever registered with
 * {@link #onClose} once the TCP connection is gone, however it went: a request's own
 * close/exception events are one-shot and may already have been spent by the time an asynchronous
 * handler chain reaches a stream endpoint, the connection's close is not.
 */
public final class ConnectionGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);

  private final ChannelMetrics metrics;
  private final int maxOpen;
  private final long requestTimeoutNs;
  private final long idleTimeoutNs;
  private final Map<HttpConnection, Watched> open = new HashMap<>();
  private long sweeper = -1;

  private static final class Watched {
    private final long openedAt = System.nanoTime();
    private HttpServerRequest request;
    private long requestAt;
    private long idleSince;
    private boolean exempt;
    private List<Runnable> onClose;
  }

  public ConnectionGuard(ChannelMetrics metrics, int maxOpen, long requestTimeoutMs, long idleTimeoutMs) {
    this.metrics = metrics;
    this.maxOpen = maxOpen;
    this.requestTimeoutNs = requestTimeoutMs * 1_000_000;
    this.idleTimeoutNs = idleTimeoutMs * 1_000_000;
  }

  /** Starts the sweep on the calling (the verticle's) context. */
  public void start(Vertx vertx) {
    long periodMs = Math.max(50, Math.min(1_000, Math.min(requestTimeoutNs, idleTimeoutNs) / 1_000_000 / 4));
    sweeper = vertx.setPeriodic(periodMs, t -> sweep());
  }

  public void stop(Vertx vertx) {
    if (sweeper >= 0) {
      vertx.cancelTimer(sweeper);
    }
  }

  /** A new connection (the server's connection handler). */
  public void opened(HttpConnection connection) {
    if (!metrics.httpConnectionOpened(maxOpen)) {
      LOG.debug("Closing a new connection: {} open connections is the cap (open-file limit minus reserve)", maxOpen);
      connection.close();
      return;
    }
    open.put(connection, new Watched());
    connection.closeHandler(v -> closed(connection));
  }

  /** A request's headers arrived (called before the router sees it). */
  public void request(HttpServerRequest request) {
    Watched w = open.get(request.connection());
    if (w != null) {
      w.request = request;
      w.requestAt = System.nanoTime();
      w.idleSince = 0;
      // several concurrent requests per connection: one request is not the connection's state
      w.exempt |= request.version() == HttpVersion.HTTP_2;
    }
  }

  private void closed(HttpConnection connection) {
    Watched w = open.remove(connection);
    if (w == null) {
      return;
    }
    metrics.httpConnectionClosed();
    if (w.onClose != null) {
      for (Runnable r : w.onClose) {
        r.run();
      }
    }
  }

  /**
   * The connection became a WebSocket: Vert.x hands its channel to the WebSocket and never reports
   * this connection's close, so it is no longer watched here (the WebSocket's close and ping reaper
   * take over). It still counts against the cap until the returned action runs (once) at the
   * WebSocket's end.
   */
  public Runnable upgraded(HttpConnection connection) {
    if (open.remove(connection) == null) {
      return () -> { };
    }
    boolean[] released = {false};
    return () -> {
      if (!released[0]) {
        released[0] = true;
        metrics.httpConnectionClosed();
      }
    };
  }

  /**
   * Runs {@code action} once the connection closes; false (and nothing registered) when the
   * connection is already closed, in which case the caller must clean up itself.
   */
  public boolean onClose(HttpConnection connection, Runnable action) {
    Watched w = open.get(connection);
    if (w == null) {
      return false;
    }
    if (w.onClose == null) {
      w.onClose = new ArrayList<>(1);
    }
    w.onClose.add(action);
    return true;
  }

  /** HTTP connections of this instance that are open now (WebSockets not counted). */
  public int size() {
    return open.size();
  }

  private void sweep() {
    long now = System.nanoTime();
    List<HttpConnection> expired = null;
    for (Iterator<Map.Entry<HttpConnection, Watched>> it = open.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<HttpConnection, Watched> e = it.next();
      String why = overdue(e.getValue(), now);
      if (why != null) {
        if (expired == null) {
          expired = new ArrayList<>();
        }
        expired.add(e.getKey());
        LOG.debug("Closing connection from {}: {}", e.getKey().remoteAddress(), why);
      }
    }
    if (expired != null) {
      for (HttpConnection c : expired) {
        metrics.timedOut();
        c.close();
      }
    }
  }

  /** Why the connection is to be closed now, or null. */
  private String overdue(Watched w, long now) {
    if (w.exempt) {
      return null;
    }
    HttpServerRequest r = w.request;
    if (r == null) {
      return now - w.openedAt > requestTimeoutNs ? "no complete request within the request timeout" : null;
    }
    if (!r.isEnded() && !r.response().headWritten()) {
      return now - w.requestAt > requestTimeoutNs ? "request body not received within the request timeout" : null;
    }
    if (r.response().ended()) {
      if (w.idleSince == 0) {
        w.idleSince = now;
      }
      return now - w.idleSince > idleTimeoutNs ? "no new request within the idle timeout" : null;
    }
    return null; // being answered, or streaming
  }
}
