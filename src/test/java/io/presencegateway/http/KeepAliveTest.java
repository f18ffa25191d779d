package io.presencegateway.http;

import io.presencegateway.config.Setting;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.presencegateway.http.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What keeps idle streams alive through proxies and spreads reconnects: SSE heartbeat comments and a
 * jittered {@code retry:}, WebSocket ping frames at the configured interval (PRODUCT.md §5.2, §5.3).
 */
@ExtendWith(VertxExtension.class)
class KeepAliveTest {
  private static final Pattern RETRY = Pattern.compile("(?m)^retry: (\\d+)$");

  @Test
  void idleSseStreamGetsHeartbeatsAndAJitteredRetry(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.SSE_HEARTBEAT_MS, "200"));
    // one connection per stream: the default pool would queue the sixth request behind five endless ones
    HttpClient http = vertx.createHttpClient(new PoolOptions().setHttp1MaxSize(8));
    List<StringBuilder> streams = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      StringBuilder text = new StringBuilder();
      streams.add(text);
      await(http.request(HttpMethod.GET, gw.port(), "127.0.0.1", "/v1/presence/stream").compose(r -> r.send())
          .onSuccess(r -> r.handler(chunk -> append(text, chunk))));
    }
    // nothing changes: after a few intervals only heartbeats can have arrived after the snapshot
    Recorder.until(() -> streams.stream().allMatch(s -> count(s, ": heartbeat\n") >= 3), Duration.ofSeconds(10),
        "three heartbeats on every idle stream");

    Set<Integer> retries = new HashSet<>();
    for (StringBuilder s : streams) {
      Matcher m = RETRY.matcher(read(s));
      assertThat(m.find()).as("retry: on every stream").isTrue();
      int retry = Integer.parseInt(m.group(1));
      assertThat(retry).isBetween(1_000, 5_000);
      retries.add(retry);
    }
    assertThat(retries).as("eight streams do not all get the same reconnect delay").hasSizeGreaterThan(1);
    await(http.close());
  }

  @Test
  void webSocketGetsPingFramesAtTheInterval(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.WS_PING_MS, "200"));
    Recorder<Long> pings = new Recorder<>();
    WebSocket ws = await(vertx.createWebSocketClient().connect(gw.port(), "127.0.0.1", "/v1/presence/ws"));
    ws.frameHandler(f -> {
      if (f.type() == WebSocketFrameType.PING) {
        pings.add(System.nanoTime());
      }
    });
    List<Long> at = pings.await(4, Duration.ofSeconds(10));
    long widestGapMs = 0;
    for (int i = 1; i < at.size(); i++) {
      widestGapMs = Math.max(widestGapMs, (at.get(i) - at.get(i - 1)) / 1_000_000);
    }
    // a busy machine may delay a timer, but pings come about every interval, not once in a while
    assertThat(widestGapMs).isLessThan(2_000);
    assertThat(ws.isClosed()).as("a peer that answers pings is never reaped").isFalse();
    await(ws.close());
  }

  private static void append(StringBuilder text, Buffer chunk) {
    synchronized (text) {
      text.append(chunk.toString(StandardCharsets.UTF_8));
    }
  }

  private static String read(StringBuilder text) {
    synchronized (text) {
      return text.toString();
    }
  }

  private static int count(StringBuilder text, String needle) {
    String s = read(text);
    int n = 0;
    for (int at = s.indexOf(needle); at >= 0; at = s.indexOf(needle, at + 1)) {
      n++;
    }
    return n;
  }
}
