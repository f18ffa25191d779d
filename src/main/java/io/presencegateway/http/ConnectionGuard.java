package io.presencegateway.http;

import io.vertx.core.http.HttpConnection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches the HTTP connections of one HTTP verticle instance (so of one event loop: every method
 * runs on it). It owns each connection's close handler and tells whoever registered with
 * {@link #onClose} once the TCP connection is gone, however it went: a request's own
 * close/exception events are one-shot and may already have been spent by the time an asynchronous
 * handler chain reaches a stream endpoint, the connection's close is not.
 */
public final class ConnectionGuard {
  private final Map<HttpConnection, Watched> open = new HashMap<>();

  private static final class Watched {
    private List<Runnable> onClose;
  }

  /** A new connection (the server's connection handler). */
  public void opened(HttpConnection connection) {
    Watched w = new Watched();
    open.put(connection, w);
    connection.closeHandler(v -> closed(connection));
  }

  private void closed(HttpConnection connection) {
    Watched w = open.remove(connection);
    if (w != null && w.onClose != null) {
      for (Runnable r : w.onClose) {
        r.run();
      }
    }
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

  /**
   * The connection became a WebSocket: Vert.x hands its channel to the WebSocket and never reports
   * this connection's close, so it is no longer watched here (the WebSocket's own close and ping
   * reaper take over).
   */
  public void upgraded(HttpConnection connection) {
    open.remove(connection);
  }

  /** HTTP connections of this instance that are open now (WebSockets not counted). */
  public int size() {
    return open.size();
  }
}
