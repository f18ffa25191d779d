package io.presencegateway.http;

import io.presencegateway.config.FdBudget;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.Setting;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.presencegateway.http.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Connections that hold a descriptor without sending a request are closed (HTTP_REQUEST_TIMEOUT_MS,
 * HTTP_IDLE_TIMEOUT_MS), however they dribble; streams being served are not; and the HTTP port never
 * takes more connections than the open-file limit leaves.
 */
@ExtendWith(VertxExtension.class)
class ConnectionTimeoutTest {
  private static final Map<Setting, Object> SHORT = Map.of(Setting.HTTP_REQUEST_TIMEOUT_MS, "600", Setting.HTTP_IDLE_TIMEOUT_MS, "900",
      Setting.SSE_HEARTBEAT_MS, "200", Setting.WS_PING_MS, "200");
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void silentAndDribblingClientsAreClosedAfterTheRequestTimeout(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, SHORT);
    // nothing at all
    Dribbler silent = Dribbler.start(vertx, gw.port(), "", null);
    // slowloris: a header line every 100 ms, never the blank line that ends the head
    Dribbler headers = Dribbler.start(vertx, gw.port(), "GET /v1/presence HTTP/1.1\r\nHost: 127.0.0.1\r\n", "X-Slow: 1\r\n");
    // a body that trickles in after the head
    Dribbler body = Dribbler.start(vertx, gw.port(), "PUT /v1/watchlist HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100000\r\n\r\n{\"ids\":[", "\" \"");
    // a WebSocket upgrade that announces a body and never sends it: the handshake never completes
    Dribbler upgrade = Dribbler.start(vertx, gw.port(), "GET /v1/presence/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 5\r\n\r\n", null);
    for (Dribbler d : List.of(silent, headers, body, upgrade)) {
      Recorder.until(d.closed::get, WAIT, "closed: " + d.head.lines().findFirst().orElse("silent"));
      assertThat(d.openMs()).as("open for at least about the timeout").isGreaterThanOrEqualTo(500);
    }
    assertThat(headers.writes.get()).as("the slowloris was sending all along").isGreaterThan(3);
    Recorder.until(() -> ChannelRegistry.of(gw.services()).limiter().open() == 0, WAIT, "the upgrade's stream slot released");
    Recorder.until(() -> gw.metrics().httpConnections() == 0, WAIT, "every connection counted out");
    assertThat(gw.metrics().timedOutConnections()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void keepAliveConnectionWaitsAtMostTheIdleTimeoutForItsNextRequest(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, SHORT);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", gw.port()), 5_000);
      s.setSoTimeout(10_000);
      long started = System.nanoTime();
      s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = readUntilClosed(s.getInputStream());
      assertThat(answer).startsWith("HTTP/1.1 200");
      assertThat((System.nanoTime() - started) / 1_000_000).as("ms until closed").isBetween(800L, 8_000L);
    }
  }

  @Test
  void streamsBeingServedOutliveBothTimeouts(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, SHORT);
    HttpClient http = vertx.createHttpClient();
    AtomicInteger heartbeats = new AtomicInteger();
    AtomicBoolean sseEnded = new AtomicBoolean();
    await(http.request(HttpMethod.GET, gw.port(), "127.0.0.1", "/v1/presence/stream").compose(r -> r.send())
        .onSuccess(r -> r.handler(b -> {
          if (b.toString().contains(": heartbeat")) {
            heartbeats.incrementAndGet();
          }
        }).endHandler(v -> sseEnded.set(true)).exceptionHandler(e -> sseEnded.set(true))));
    AtomicInteger pings = new AtomicInteger();
    WebSocket ws = await(vertx.createWebSocketClient().connect(gw.port(), "127.0.0.1", "/v1/presence/ws")
        .map(s -> s.frameHandler(f -> {
          if (f.type() == WebSocketFrameType.PING) {
            pings.incrementAndGet();
          }
        })));
    // 15 intervals of 200 ms: several times both timeouts
    Recorder.until(() -> heartbeats.get() >= 15 && pings.get() >= 15, Duration.ofSeconds(20), "15 heartbeats and pings");
    assertThat(sseEnded.get()).as("SSE stream still open").isFalse();
    assertThat(ws.isClosed()).as("WebSocket still open").isFalse();
    assertThat(gw.metrics().timedOutConnections()).isZero();
    await(ws.close());
    await(http.close());
  }

  @Test
  void theHttpPortTakesNoMoreConnectionsThanTheOpenFileLimitLeaves(Vertx vertx) throws Exception {
    // 266 descriptors: 256 kept in reserve, so 10 connections on the HTTP port, 9 of them streams
    FdBudget fds = new FdBudget(266);
    assertThat(fds.maxHttpConnections()).isEqualTo(10);
    GatewayConfig config = GatewayConfig.from(TestGateway.raw(Map.of()), fds);
    assertThat(config.channels().maxConnections()).as("auto").isEqualTo(9);
    TestGateway gw = TestGateway.start(vertx, config, 5, 1000);
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        Socket s = new Socket();
        held.add(s);
        s.connect(new InetSocketAddress("127.0.0.1", gw.port()), 5_000);
      }
      Recorder.until(() -> gw.metrics().httpConnections() == 10, WAIT, "ten connections accepted");
      try (Socket extra = new Socket()) {
        extra.connect(new InetSocketAddress("127.0.0.1", gw.port()), 5_000);
        extra.setSoTimeout(10_000);
        extra.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(readUntilClosed(extra.getInputStream())).as("the eleventh is closed unanswered").isEmpty();
      }
      assertThat(gw.metrics().refusedAtAccept()).isEqualTo(1);
      held.remove(0).close();
      Recorder.until(() -> gw.metrics().httpConnections() == 9, WAIT, "a place freed");
      HttpClient http = vertx.createHttpClient();
      assertThat(await(http.request(HttpMethod.GET, gw.port(), "127.0.0.1", "/health/live").compose(r -> r.send())).statusCode())
          .isEqualTo(200);
      await(http.close());
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
  }

  /** Everything the server sends until it closes the connection (or the socket timeout). */
  private static String readUntilClosed(InputStream in) throws IOException {
    StringBuilder out = new StringBuilder();
    byte[] buf = new byte[4096];
    try {
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        out.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("still open after the socket timeout; got: " + out, e);
    } catch (IOException reset) {
      // closed with a reset: closed all the same
    }
    return out.toString();
  }

  /** A raw client that sends {@code head}, then {@code drip} every 100 ms until the server closes. */
  private static final class Dribbler {
    final String head;
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicInteger writes = new AtomicInteger();
    private final long started = System.nanoTime();
    private volatile long closedAt;

    private Dribbler(String head) {
      this.head = head;
    }

    static Dribbler start(Vertx vertx, int port, String head, String drip) throws Exception {
      Dribbler d = new Dribbler(head);
      NetSocket socket = await(vertx.createNetClient().connect(port, "127.0.0.1"));
      socket.closeHandler(v -> {
        d.closedAt = System.nanoTime();
        d.closed.set(true);
      });
      socket.handler(b -> { });
      if (!head.isEmpty()) {
        await(socket.write(Buffer.buffer(head)));
      }
      if (drip != null) {
        long timer = vertx.setPeriodic(100, t -> {
          if (!d.closed.get()) {
            socket.write(drip);
            d.writes.incrementAndGet();
          }
        });
        socket.closeHandler(v -> {
          vertx.cancelTimer(timer);
          d.closedAt = System.nanoTime();
          d.closed.set(true);
        });
      }
      return d;
    }

    long openMs() {
      return (closedAt - started) / 1_000_000;
    }
  }
}
