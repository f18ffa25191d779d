package io.presencegateway.http;

import io.presencegateway.config.Setting;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static io.presencegateway.http.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stream clients that reset their connection at any moment (before the request is routed, while
 * the resume is replayed, after the first bytes) give back their connection slot and their event
 * bus consumer: after three times HTTP_MAX_CONNECTIONS such clients, a real client is still served.
 */
@ExtendWith(VertxExtension.class)
class StreamSlotLeakTest {
  private static final int LIMIT = 20;
  private static final String SSE = "GET /v1/presence/stream?lastEventId=1-0 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  private static final String SSE_SNAPSHOT = "GET /v1/presence/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  private static final String WS = "GET /v1/presence/ws?since=1-0 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
      + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

  @Test
  void sseClientsThatResetEarlyGiveTheirSlotAndConsumerBack(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.HTTP_MAX_CONNECTIONS, Integer.toString(LIMIT)), 50, 1000);
    for (int i = 0; i < 3 * LIMIT; i++) {
      // right after the request, after the first bytes (during the replay), after the snapshot
      abort(gw.port(), i % 3 == 2 ? SSE_SNAPSHOT : SSE, i % 3);
    }
    assertEverythingReleased(gw);
    assertServed(vertx, gw, "/v1/presence/stream?lastEventId=1-0");
  }

  @Test
  void webSocketClientsThatResetEarlyGiveTheirSlotAndConsumerBack(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.HTTP_MAX_CONNECTIONS, Integer.toString(LIMIT)), 50, 1000);
    for (int i = 0; i < 3 * LIMIT; i++) {
      abort(gw.port(), WS, i % 3);
    }
    assertEverythingReleased(gw);
    assertServed(vertx, gw, "/v1/presence/stream");
  }

  /**
   * A WebSocket client that sends a burst of {@code subscribe} messages and closes at once: frames
   * Vert.x had buffered still arrive after the connection was cleaned up, and must not start a feed
   * that nobody will ever close (each leaked one held its connection objects: the heap filled).
   */
  @Test
  void subscribeMessagesArrivingAfterTheCloseStartNothing(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.HTTP_MAX_CONNECTIONS, Integer.toString(LIMIT)), 50, 1000);
    String plainWs = WS.replace("?since=1-0", "");
    byte[] burst = new byte[0];
    for (int i = 0; i < 100; i++) {
      burst = concat(burst, maskedText("{\"type\":\"subscribe\"}"));
    }
    for (int i = 0; i < 3 * LIMIT; i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", gw.port()), 5_000);
        s.setSoTimeout(5_000);
        s.getOutputStream().write(plainWs.getBytes(StandardCharsets.US_ASCII));
        s.getInputStream().read(new byte[4096]); // the 101
        s.getOutputStream().write(burst);
        s.getOutputStream().flush();
      }
    }
    assertEverythingReleased(gw);
    assertServed(vertx, gw, "/v1/presence/stream");
  }

  /** One masked client text frame (RFC 6455: a client masks every frame), payload under 126 bytes. */
  private static byte[] maskedText(String text) {
    byte[] payload = text.getBytes(StandardCharsets.UTF_8);
    byte[] mask = {1, 2, 3, 4};
    byte[] frame = new byte[6 + payload.length];
    frame[0] = (byte) 0x81;
    frame[1] = (byte) (0x80 | payload.length);
    System.arraycopy(mask, 0, frame, 2, 4);
    for (int i = 0; i < payload.length; i++) {
      frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
    }
    return frame;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * Sends one request and resets the connection (SO_LINGER 0: an RST, no FIN) after reading
   * {@code waitFor} pieces of the answer: 0 none, 1 the first bytes, 2 up to 4 KB.
   */
  private static void abort(int port, String request, int waitFor) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      s.setSoLinger(true, 0);
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[4096];
      try {
        if (waitFor >= 1) {
          in.read(buf, 0, 1);
        }
        if (waitFor >= 2) {
          in.read(buf);
        }
      } catch (SocketTimeoutException e) {
        // nothing more came in time: reset now anyway
      }
    }
  }

  private static void assertEverythingReleased(TestGateway gw) throws InterruptedException {
    ChannelRegistry registry = ChannelRegistry.of(gw.services());
    try {
      Recorder.until(() -> registry.limiter().open() == 0 && gw.metrics().busConsumers() == 0 && registry.openConnections() == 0
          && gw.metrics().connections(ChannelMetrics.Channel.SSE) == 0 && gw.metrics().connections(ChannelMetrics.Channel.WS) == 0
          && gw.http().connections().size() == 0,
          Duration.ofSeconds(15), "every slot, consumer and tracked connection released");
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + ": slots " + registry.limiter().open() + ", bus consumers "
          + gw.metrics().busConsumers() + ", tracked " + registry.openConnections() + ", SSE "
          + gw.metrics().connections(ChannelMetrics.Channel.SSE) + ", WS " + gw.metrics().connections(ChannelMetrics.Channel.WS) + ", HTTP connections " + gw.http().connections().size());
    }
  }

  private static void assertServed(Vertx vertx, TestGateway gw, String uri) throws Exception {
    HttpClient http = vertx.createHttpClient();
    HttpClientResponse r = await(http.request(HttpMethod.GET, gw.port(), "127.0.0.1", uri).compose(q -> q.send()));
    assertThat(r.statusCode()).isEqualTo(200);
    await(http.close());
  }
}
