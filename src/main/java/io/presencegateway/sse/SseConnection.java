package io.presencegateway.sse;

import io.presencegateway.GatewayServices;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.http.ChannelMetrics;
import io.presencegateway.http.ChannelRegistry;
import io.presencegateway.http.ConnectionGuard;
import io.presencegateway.http.FrameCache;
import io.presencegateway.http.PresenceFeed;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;

/**
 * One SSE client. Owns its feed (bus consumer), heartbeat timer and connection slot, and frees all
 * three in {@link #cleanup()}, the one path taken on close, exception, end and slow-client drop.
 * Every write is checked: a client whose queue passes the configured buffer is disconnected (it
 * resumes with {@code Last-Event-ID}) rather than buffered without bound.
 */
final class SseConnection implements PresenceFeed.Sink, ChannelRegistry.Restartable {
  private static final Logger LOG = LoggerFactory.getLogger(SseConnection.class);
  private static final Buffer HEARTBEAT = SseFrame.create().comment("heartbeat").toBuffer();
  /** Reconnect delay: 1 to 5 s, spread so that a mass reconnect (a restart) does not arrive at once. */
  private static final int RETRY_MIN_MS = 1_000;
  private static final int RETRY_SPREAD_MS = 4_000;

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final GatewayServices services;
  private final ChannelRegistry registry;
  private final ChannelMetrics metrics;
  private final FrameCache<Buffer> frames;
  private final FrameCache.Key filter;
  private final PresenceFeed feed;
  private long heartbeat = -1;
  private boolean closed;

  SseConnection(Vertx vertx, HttpServerResponse response, GatewayServices services, ChannelRegistry registry,
                FrameCache<Buffer> frames, FrameCache.Key filter) {
    this.vertx = vertx;
    this.response = response;
    this.services = services;
    this.registry = registry;
    this.metrics = registry.metrics();
    this.frames = frames;
    this.filter = filter;
    this.feed = new PresenceFeed(vertx, services.store(), metrics, services.config().store().eventLogSize(), filter.filter(), this);
  }

  /**
   * Starts streaming. The connection's slot is already taken: from here every way out (the client
   * gone before this ran, closed during the snapshot or replay, an exception) goes through
   * {@link #cleanup()}.
   *
   * <p>The end is observed through the routing context's end handlers and the connection's close,
   * not by setting the response's own close/end/exception handlers: those would displace the
   * routing context's (the access log's line) and, set on a response that is already closed, would
   * never be called.
   */
  void open(RoutingContext ctx, ConnectionGuard connections, String since) {
    metrics.opened(ChannelMetrics.Channel.SSE);
    registry.track(this);
    ctx.addEndHandler(ar -> cleanup());
    // the request's end handlers fire once: a client that reset while the request was checked may
    // have spent them already (exception now, close later); the connection's close is still to come
    if (response.closed() || response.ended() || !connections.onClose(ctx.request().connection(), this::cleanup)) {
      cleanup();
      return;
    }
    try {
      response.setChunked(true).setWriteQueueMaxSize(services.config().channels().clientBufferBytes())
          .putHeader("Content-Type", "text/event-stream; charset=utf-8").putHeader("Cache-Control", "no-cache")
          .putHeader("X-Accel-Buffering", "no");
      write(SseFrame.create().retry(reconnectDelayMs()).toBuffer());
      heartbeat = vertx.setPeriodic(services.config().channels().sseHeartbeatMs(), t -> write(HEARTBEAT));
      feed.start(since).onFailure(err -> {
        if (!closed) {
          LOG.warn("SSE stream could not start (client will retry): {}", err.toString());
        }
        close();
      });
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Spread reconnects so that a mass reconnect (a restart) does not arrive at once. */
  private static int reconnectDelayMs() {
    return RETRY_MIN_MS + ThreadLocalRandom.current().nextInt(RETRY_SPREAD_MS);
  }

  /**
   * Graceful shutdown: a last {@code retry:} and a normal end of the stream. EventSource then
   * reconnects on its own after that delay, sending {@code Last-Event-ID}, and the load balancer
   * sends it to another instance (this one no longer accepts connections).
   */
  @Override
  public void closeForRestart() {
    if (closed) {
      return;
    }
    Buffer bye = SseFrame.create().comment("server restarting: reconnect").retry(reconnectDelayMs()).toBuffer();
    cleanup();
    response.end(bye);
  }

  @Override
  public void snapshot(String eventId, Buffer envelope) {
    write(SseFrame.event(eventId, "snapshot", envelope));
  }

  @Override
  public void reset() {
    write(SseFrame.create().event("reset").data("{\"reason\":\"unknown or expired event id: snapshot follows\"}").toBuffer());
  }

  @Override
  public void event(PresenceEvent event) {
    Buffer frame = frames.get(event, filter);
    if (frame != null) {
      write(frame);
      metrics.eventSent(ChannelMetrics.Channel.SSE);
    }
  }

  @Override
  public void overflow() {
    dropSlowClient("too many events held back while the store was read");
  }

  private void write(Buffer frame) {
    if (closed) {
      return;
    }
    response.write(frame);
    if (response.writeQueueFull()) {
      dropSlowClient("more than " + services.config().channels().clientBufferBytes() + " bytes queued");
    }
  }

  private void dropSlowClient(String reason) {
    metrics.slowClientDisconnected();
    LOG.debug("Disconnecting slow SSE client: {}", reason);
    close();
  }

  private void close() {
    if (!closed) {
      cleanup();
      if (!response.closed()) {
        response.reset();
      }
    }
  }

  /** The one cleanup path: idempotent, called by every way a connection can end. */
  private void cleanup() {
    if (closed) {
      return;
    }
    closed = true;
    registry.untrack(this);
    feed.close();
    vertx.cancelTimer(heartbeat);
    registry.limiter().release();
    metrics.closed(ChannelMetrics.Channel.SSE);
  }
}
