package io.presencegateway.ws;

import io.presencegateway.GatewayServices;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.http.AccessLog;
import io.presencegateway.http.ChannelMetrics;
import io.presencegateway.http.ChannelRegistry;
import io.presencegateway.http.FrameCache;
import io.presencegateway.http.PresenceFeed;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WebSocket client. Owns its feed (bus consumer, replaced on every {@code subscribe}), its ping
 * timer and its connection slot, and frees them in {@link #cleanup()}, the one path taken on close,
 * exception, end, dead peer and slow-client drop. A peer that sends nothing (no pong, no message)
 * for two ping intervals is dead and closed.
 */
final class WsConnection implements ChannelRegistry.Restartable {
  private static final Logger LOG = LoggerFactory.getLogger(WsConnection.class);
  private static final short GOING_AWAY = 1001;
  /** RFC 6455 registry: "Service Restart" — the client should reconnect (to another instance). */
  static final short SERVICE_RESTART = 1012;
  private static final short POLICY_VIOLATION = 1008;
  private static final short MESSAGE_TOO_BIG = 1009;
  private static final short INTERNAL_ERROR = 1011;
  private static final Buffer PING = Buffer.buffer("pg");

  private final Vertx vertx;
  private final ServerWebSocket ws;
  private final GatewayServices services;
  private final ChannelRegistry registry;
  private final ChannelMetrics metrics;
  private final FrameCache<String> messages;
  private final long pingMs;
  private final AccessLog.Entry accessLog;
  private final Runnable socketGone;
  private long bytesSent;
  private PresenceFeed feed;
  private long pingTimer = -1;
  private long lastHeardAt;
  private boolean closed;

  WsConnection(Vertx vertx, ServerWebSocket ws, GatewayServices services, ChannelRegistry registry, FrameCache<String> messages,
               AccessLog.Entry accessLog, Runnable socketGone) {
    this.vertx = vertx;
    this.ws = ws;
    this.services = services;
    this.registry = registry;
    this.metrics = registry.metrics();
    this.messages = messages;
    this.pingMs = services.config().channels().wsPingMs();
    this.accessLog = accessLog;
    this.socketGone = socketGone;
  }

  /**
   * Starts serving. The connection's slot is already taken: from here every way out (the peer gone
   * before this ran, closed during the snapshot or replay, an exception) goes through
   * {@link #cleanup()}.
   */
  void open(WsSubscription initial) {
    metrics.opened(ChannelMetrics.Channel.WS);
    registry.track(this);
    heard();
    ws.closeHandler(v -> cleanup()).exceptionHandler(this::onFailure).endHandler(v -> cleanup());
    if (ws.isClosed()) {
      // closed between the upgrade and this: a close handler set now would never be called
      cleanup();
      return;
    }
    try {
      ws.setWriteQueueMaxSize(services.config().channels().clientBufferBytes());
      ws.pongHandler(b -> heard());
      ws.textMessageHandler(this::onMessage);
      ws.binaryMessageHandler(b -> {
        heard();
        send(WsMessages.error("bad_request", "binary messages are not supported; send JSON text"));
      });
      pingTimer = vertx.setPeriodic(pingMs, t -> pingOrReap());
      if (initial != null) {
        subscribe(initial);
      }
    } catch (RuntimeException e) {
      close(INTERNAL_ERROR, "connection failed");
      throw e;
    }
  }

  /**
   * A frame over the limit fails in Netty's decoder (which names its close status); a message over
   * the limit fails in Vert.x's frame aggregator with an IllegalStateException: both are 1009.
   */
  private void onFailure(Throwable failure) {
    if (failure instanceof CorruptedWebSocketFrameException corrupted) {
      close((short) corrupted.closeStatus().code(), corrupted.closeStatus().reasonText());
    } else if (failure instanceof IllegalStateException) {
      close(MESSAGE_TOO_BIG, "message too big");
    } else {
      LOG.debug("WebSocket failed: {}", failure.toString());
      close(INTERNAL_ERROR, "connection failed");
    }
  }

  private void heard() {
    lastHeardAt = System.nanoTime();
  }

  private void pingOrReap() {
    if ((System.nanoTime() - lastHeardAt) / 1_000_000 > 2 * pingMs) {
      LOG.debug("Closing silent WebSocket peer: no pong for two ping intervals");
      close(GOING_AWAY, "ping timeout");
    } else if (!closed) {
      ws.writePing(PING);
    }
  }

  private void onMessage(String text) {
    if (closed) {
      return; // a frame Vert.x had buffered, delivered after the cleanup: a feed started now would never close
    }
    heard();
    WsMessages.ClientMessage message = WsMessages.parse(text);
    if (message instanceof WsMessages.Subscribe s) {
      subscribe(s.subscription());
    } else if (message instanceof WsMessages.Unsubscribe) {
      stopFeed();
    } else if (message instanceof WsMessages.Ping) {
      send(WsMessages.pong(feed == null ? null : feed.lastEventId()));
    } else if (message instanceof WsMessages.Invalid invalid) {
      send(WsMessages.error("bad_request", invalid.reason()));
    }
  }

  /** A new subscription replaces the old one: its own snapshot or resume, then live. */
  private void subscribe(WsSubscription subscription) {
    if (closed) {
      return;
    }
    stopFeed();
    FrameCache.Key key = new FrameCache.Key(subscription.filter());
    PresenceFeed next = new PresenceFeed(vertx, services.store(), metrics, services.config().store().eventLogSize(),
        subscription.filter(), new Sink(key));
    feed = next;
    next.start(subscription.since()).onFailure(err -> {
      if (feed == next) {
        LOG.warn("WebSocket subscription could not start: {}", err.toString());
        send(WsMessages.error("unavailable", "the presence store is unavailable, subscribe again later"));
        stopFeed();
      }
    });
  }

  private void stopFeed() {
    if (feed != null) {
      feed.close();
      feed = null;
    }
  }

  /** Output of one subscription; ignored once the subscription is replaced. */
  private final class Sink implements PresenceFeed.Sink {
    private final FrameCache.Key filter;

    Sink(FrameCache.Key filter) {
      this.filter = filter;
    }

    @Override
    public void snapshot(String eventId, Buffer envelope) {
      send(WsMessages.snapshot(eventId, envelope));
    }

    @Override
    public void reset() {
      send(WsMessages.reset());
    }

    @Override
    public void event(PresenceEvent event) {
      String message = messages.get(event, filter);
      if (message != null) {
        send(message);
        metrics.eventSent(ChannelMetrics.Channel.WS);
      }
    }

    @Override
    public void overflow() {
      dropSlowClient("too many events held back while the store was read");
    }
  }

  private void send(String message) {
    if (closed) {
      return;
    }
    ws.writeTextMessage(message);
    bytesSent += utf8Length(message);
    if (ws.writeQueueFull()) {
      dropSlowClient("more than " + services.config().channels().clientBufferBytes() + " bytes queued");
    }
  }

  private void dropSlowClient(String reason) {
    metrics.slowClientDisconnected();
    LOG.debug("Disconnecting slow WebSocket client: {}", reason);
    close(POLICY_VIOLATION, "slow client: resume with since");
  }

  /** Graceful shutdown: close code 1012 tells the client to reconnect; it resumes with {@code since}. */
  @Override
  public void closeForRestart() {
    close(SERVICE_RESTART, "service restart: reconnect");
  }

  private void close(short code, String reason) {
    if (!closed) {
      cleanup();
      ws.close(code, reason);
    }
  }

  /** The one cleanup path: idempotent, called by every way a connection can end. */
  private void cleanup() {
    if (closed) {
      return;
    }
    closed = true;
    registry.untrack(this);
    stopFeed();
    vertx.cancelTimer(pingTimer);
    registry.limiter().release();
    metrics.closed(ChannelMetrics.Channel.WS);
    socketGone.run();
    if (accessLog != null) {
      accessLog.finish(101, bytesSent);
    }
  }

  /** Bytes of a text message on the wire (its UTF-8 form), counted without encoding it again. */
  static long utf8Length(String s) {
    long n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        continue;
      }
      if (c < 0x800) {
        n += 1; // two bytes
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 2; // a pair: two chars, four bytes
        i++;
      } else {
        n += 2; // three bytes
      }
    }
    return n;
  }
}
