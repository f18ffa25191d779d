package io.presencegateway.ws;

import io.presencegateway.http.ChannelMetrics;
import io.presencegateway.http.Recorder;
import io.presencegateway.http.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.Deflater;

import static io.presencegateway.http.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A permessage-deflate bomb (a ~32 KB frame that inflates to 32 MB) must cost the gateway
 * nothing: compression is never negotiated, a frame that claims to be compressed anyway is a
 * protocol error, and the event loop stays free to serve others meanwhile.
 */
@ExtendWith(VertxExtension.class)
class WsCompressionBombTest {
  private static final int INFLATED_BYTES = 32 * 1024 * 1024;

  @Test
  void compressionIsNotNegotiatedAndACompressedFrameIsRefusedAtOnce(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of());
    byte[] bomb = deflateBomb();
    assertThat(bomb.length).as("the bomb fits in one allowed frame").isLessThan(WsChannel.MAX_FRAME_BYTES);
    HttpClient http = vertx.createHttpClient();
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", gw.port()), 5_000);
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(("GET /v1/presence/ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-webkit-deflate-frame\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String head = readHead(in);
      assertThat(head).startsWith("HTTP/1.1 101");
      assertThat(head.toLowerCase()).as("no compression extension accepted").doesNotContain("sec-websocket-extensions");
      Recorder.until(() -> gw.metrics().connections(ChannelMetrics.Channel.WS) == 1, Duration.ofSeconds(10), "WebSocket open");

      long started = System.nanoTime();
      out.write(frame(bomb));
      out.flush();
      // the gateway answers others at once (a bomb being inflated would hold the event loop for seconds)
      int status = await(http.request(HttpMethod.GET, gw.port(), "127.0.0.1", "/health/live").compose(r -> r.send())
          .map(r -> r.statusCode()));
      assertThat(status).isEqualTo(200);
      // and the offending connection is closed: a close frame (1002 protocol error) and/or the socket ends
      assertThat(drainUntilClosed(in)).as("connection closed after the compressed frame").isTrue();
      assertThat((System.nanoTime() - started) / 1_000_000).as("ms until refused").isLessThan(5_000);
    }
    Recorder.until(() -> gw.metrics().connections(ChannelMetrics.Channel.WS) == 0, Duration.ofSeconds(10), "WebSocket released");
    await(http.close());
  }

  /** Raw DEFLATE of 32 MB of zeros, without the 00 00 ff ff tail, as RFC 7692 sends it. */
  private static byte[] deflateBomb() {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    byte[] zeros = new byte[1024 * 1024];
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    for (int i = 0; i < INFLATED_BYTES / zeros.length; i++) {
      deflater.setInput(zeros);
      int n;
      while ((n = deflater.deflate(buf, 0, buf.length, Deflater.NO_FLUSH)) > 0) {
        out.write(buf, 0, n);
      }
    }
    int n;
    while ((n = deflater.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) {
      out.write(buf, 0, n);
      if (n < buf.length) {
        break;
      }
    }
    deflater.end();
    byte[] all = out.toByteArray();
    return java.util.Arrays.copyOf(all, all.length - 4);
  }

  /** One masked text frame with RSV1 set (compressed), FIN. */
  private static byte[] frame(byte[] payload) {
    ByteArrayOutputStream f = new ByteArrayOutputStream();
    f.write(0x80 | 0x40 | 0x1);
    f.write(0x80 | 127);
    for (int i = 7; i >= 0; i--) {
      f.write((int) ((long) payload.length >>> (8 * i)) & 0xff);
    }
    byte[] mask = new byte[4];
    ThreadLocalRandom.current().nextBytes(mask);
    f.writeBytes(mask);
    for (int i = 0; i < payload.length; i++) {
      f.write(payload[i] ^ mask[i % 4]);
    }
    return f.toByteArray();
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n") && head.length() < 8192) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.append((char) b);
    }
    return head.toString();
  }

  /** Reads until the server closes (EOF or a reset); false if it is still open after the socket timeout. */
  private static boolean drainUntilClosed(InputStream in) throws IOException {
    byte[] buf = new byte[4096];
    try {
      for (int i = 0; i < 10_000; i++) {
        if (in.read(buf) < 0) {
          return true;
        }
      }
      return false;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }
}
