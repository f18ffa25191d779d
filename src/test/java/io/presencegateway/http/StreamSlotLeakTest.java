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
