package io.presencegateway.store;

import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a store that is unreachable or stalled (the request may succeed later: 503) from a bug
 * (500). Redis trouble reaches callers as connection, closed-channel or timeout failures, possibly
 * wrapped; the class names of the Redis client's own exceptions are matched so that no Redis type
 * leaks into the HTTP layer.
 */
public final class StoreFailures {
  private StoreFailures() {
  }

  public static boolean isUnavailable(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof ConnectException || c instanceof ClosedChannelException || c instanceof TimeoutException) {
        return true;
      }
      String name = c.getClass().getName();
      String message = String.valueOf(c.getMessage());
      if (name.startsWith("io.vertx.redis") || name.contains("Timeout") || message.contains("Connection refused")
          || message.contains("Connection closed") || message.contains("Connection reset")) {
        return true;
      }
    }
    return false;
  }
}
