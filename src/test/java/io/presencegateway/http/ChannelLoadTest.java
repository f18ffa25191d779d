package io.presencegateway.http;

import io.presencegateway.config.Setting;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static io.presencegateway.http.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/** Slow clients and connection churn: what one bad client or many dying ones must not cost the rest. */
@ExtendWith(VertxExtension.class)
class ChannelLoadTest {
  private static final int PEOPLE = 50;
  private static final String SSE_REQUEST = "GET /v1/presence/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  private static final String WS_REQUEST = "GET /v1/presence/ws?statuses= HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
      + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

  /**
   * 50 changes/s of 50 people each (~15 KB per event). One SSE and one WebSocket client connect
   * with a tiny receive window and never read: both are disconnected once their queue passes
   * CLIENT_BUFFER_BYTES, while a normal SSE and WebSocket client receive every event.
   */
  @Test
  void clientsThatStopReadingAreDroppedAndTheOthersKeepUp(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.CLIENT_BUFFER_BYTES, "16384"), PEOPLE, 1000);
    FrameCounter sse = new FrameCounter();
    var good = vertx.createHttpClient();
    await(good.request(io.vertx.core.http.HttpMethod.GET, gw.port(), "127.0.0.1", "/v1/presence/stream").compose(r -> r.send())
        .onSuccess(r -> r.handler(sse::add)));
    Recorder<JsonObject> ws = new Recorder<>();
    Recorder<Long> wsLatencyMs = new Recorder<>();
    var goodWs = await(vertx.createWebSocketClient().connect(gw.port(), "127.0.0.1", "/v1/presence/ws?ids=")
        .map(s -> s.textMessageHandler(t -> {
          JsonObject m = new JsonObject(t);
          if ("user-presence".equals(m.getString("type"))) {
            wsLatencyMs.add(Instant.now().toEpochMilli() - Instant.parse(m.getJsonObject("data").getString("timestamp")).toEpochMilli());
          }
          ws.add(m);
        })));
    ws.await(1, Duration.ofSeconds(10));

    NetClientOptions tinyWindow = new NetClientOptions().setReceiveBufferSize(2048);
    List<NetSocket> stalled = new ArrayList<>();
    for (String request : List.of(SSE_REQUEST, WS_REQUEST)) {
      NetSocket s = await(vertx.createNetClient(tinyWindow).connect(gw.port(), "127.0.0.1"));
      s.pause();
      await(s.write(request));
      stalled.add(s);
    }
    Recorder.until(() -> gw.metrics().connections(ChannelMetrics.Channel.SSE) == 2
        && gw.metrics().connections(ChannelMetrics.Channel.WS) == 2, Duration.ofSeconds(10), "stalled clients connected");

    AtomicInteger produced = new AtomicInteger();
    List<Integer> everyone = IntStream.range(0, PEOPLE).boxed().toList();
    String message = "x".repeat(150);
    long timer = vertx.setPeriodic(20, t -> {
      try {
        gw.changeMany(everyone, "s" + produced.incrementAndGet(), message);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    Recorder.until(() -> gw.metrics().slowClientDisconnects() >= 2, Duration.ofSeconds(20), "both stalled clients dropped");
    Recorder.until(() -> produced.get() >= 100, Duration.ofSeconds(20), "100 events produced");
    vertx.cancelTimer(timer);
    int total = produced.get();

    assertThat(gw.metrics().connections(ChannelMetrics.Channel.SSE)).isEqualTo(1);
    assertThat(gw.metrics().connections(ChannelMetrics.Channel.WS)).isEqualTo(1);
    assertThat(gw.metrics().busConsumers()).isEqualTo(2);
    List<JsonObject> wsGot = ws.await(1 + total, Duration.ofSeconds(20));
    assertThat(wsGot.subList(1, 1 + total)).extracting(m -> m.getString("type")).containsOnly("user-presence");
    Recorder.until(() -> sse.events() >= total, Duration.ofSeconds(20), "good SSE client got every event");
    assertThat(sse.events()).isEqualTo(total);
    // the healthy client kept up while the stalled ones filled their buffers: detection to arrival
    // stays far below the poll interval for nearly every event (a loaded CI machine may delay a few)
    List<Long> latencies = new ArrayList<>(wsLatencyMs.all());
    latencies.sort(null);
    assertThat(latencies).hasSize(total);
    assertThat(latencies.get((int) (latencies.size() * 0.95) - 1)).as("p95 latency ms of the healthy client").isLessThan(1_000L);
    stalled.forEach(NetSocket::close);
    await(good.close());
    await(goodWs.close());
  }

  /** Counts SSE event frames as chunks arrive (a frame may span chunks); keeps only the unfinished tail. */
  private static final class FrameCounter {
    private static final String MARK = "event: user-presence\n";
    private final StringBuilder tail = new StringBuilder();
    private int events;

    synchronized void add(io.vertx.core.buffer.Buffer chunk) {
      tail.append(chunk.toString(StandardCharsets.UTF_8));
      int end;
      while ((end = tail.indexOf("\n\n")) >= 0) {
        if (tail.substring(0, end + 1).contains(MARK)) {
          events++;
        }
        tail.delete(0, end + 2);
      }
    }

    synchronized int events() {
      return events;
    }
  }

  private enum Kill { CLOSE, RESET, HALF_CLOSE, SILENT }

  /**
   * 2,000 raw connections, SSE and WebSocket, ended four ways: close, reset (RST), half-close
   * (FIN on the client's output only) and, for WebSocket, silent (the peer stops answering pings and
   * is reaped after two ping intervals). SSE has no ping: a silent SSE peer is found by its write
   * queue when events flow (see the slow-client test). Every slot, consumer and gauge returns to zero.
   */
  @Test
  void twoThousandConnectionsEndedFourWaysFreeEverything(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.WS_PING_MS, "5000", Setting.SSE_HEARTBEAT_MS, "5000"));
    int total = 2000;
    List<Socket> sockets = new ArrayList<>();
    List<Kill> kills = new ArrayList<>();
    try {
      for (int i = 0; i < total; i++) {
        boolean webSocket = i % 2 == 1;
        Kill kill = Kill.values()[(i / 2) % (webSocket ? 4 : 3)];
        sockets.add(open(gw.port(), webSocket ? WS_REQUEST : SSE_REQUEST));
        kills.add(kill);
      }
      Recorder.until(() -> gw.metrics().connections(ChannelMetrics.Channel.SSE) + gw.metrics().connections(ChannelMetrics.Channel.WS) == total
          && gw.metrics().busConsumers() == total, Duration.ofSeconds(60), total + " connections with consumers");
      for (int i = 0; i < total; i++) {
        end(sockets.get(i), kills.get(i));
      }
      Recorder.until(() -> gw.metrics().connections(ChannelMetrics.Channel.SSE) == 0 && gw.metrics().connections(ChannelMetrics.Channel.WS) == 0
          && gw.metrics().busConsumers() == 0, Duration.ofSeconds(60), "every connection freed");
      assertThat(ChannelRegistry.of(gw.services()).limiter().open()).isZero();
      assertThat(kills).contains(Kill.SILENT);
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  private static Socket open(int port, String request) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    OutputStream out = s.getOutputStream();
    out.write(request.getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return s;
  }

  private static void end(Socket s, Kill kill) throws IOException {
    switch (kill) {
      case CLOSE -> s.close();
      case RESET -> {
        s.setSoLinger(true, 0);
        s.close();
      }
      case HALF_CLOSE -> s.shutdownOutput();
      case SILENT -> { } // keeps the socket open and never reads or answers a ping
    }
  }
}
