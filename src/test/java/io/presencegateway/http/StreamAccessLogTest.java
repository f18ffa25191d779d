package io.presencegateway.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.presencegateway.config.Setting;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.presencegateway.http.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * SSE and WebSocket connections get one access log line each, written when they end: method, path
 * with the query masked, status (200 for SSE, 101 for a WebSocket), duration and bytes sent.
 */
@ExtendWith(VertxExtension.class)
class StreamAccessLogTest {
  private static final String KEY = "Str3am-Key-0123456789abcdef";
  private static final Pattern LINE = Pattern.compile("^GET (\\S+) (\\d{3}) (\\d+)ms (\\d+)B 127\\.0\\.0\\.1$");
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final Logger access = (Logger) LoggerFactory.getLogger("access");
  private Level before;

  @BeforeEach
  void capture() {
    before = access.getLevel();
    access.setLevel(Level.INFO);
    logs.start();
    access.addAppender(logs);
  }

  @AfterEach
  void release() {
    access.detachAppender(logs);
    access.setLevel(before);
  }

  @Test
  void sseStreamIsLoggedOnceWhenItEnds(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.API_KEYS, KEY));
    HttpClient http = vertx.createHttpClient();
    Recorder<String> chunks = new Recorder<>();
    await(http.request(HttpMethod.GET, gw.port(), "127.0.0.1", "/v1/presence/stream?statuses=active&access_token=" + KEY)
        .compose(r -> r.send()).onSuccess(r -> r.handler(b -> chunks.add(b.toString()))));
    chunks.await(1, Duration.ofSeconds(10));
    assertThat(lines("/v1/presence/stream")).as("nothing logged while the stream is open").isEmpty();
    await(http.close());
    Recorder.until(() -> lines("/v1/presence/stream").size() == 1, Duration.ofSeconds(10), "the stream's access line");
    Matcher m = LINE.matcher(lines("/v1/presence/stream").get(0));
    assertThat(m.matches()).as(lines("/v1/presence/stream").get(0)).isTrue();
    assertThat(m.group(1)).isEqualTo("/v1/presence/stream?statuses=active&access_token=***");
    assertThat(m.group(2)).isEqualTo("200");
    assertThat(Long.parseLong(m.group(4))).as("bytes sent").isGreaterThan(100);
    assertNoKey();
  }

  @Test
  void webSocketIsLoggedOnceWhenItEnds(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.API_KEYS, KEY));
    Recorder<String> messages = new Recorder<>();
    WebSocket ws = await(vertx.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gw.port())
        .setURI("/v1/presence/ws?statuses=active&access_token=" + KEY)).map(s -> s.textMessageHandler(messages::add)));
    messages.await(1, Duration.ofSeconds(10));
    assertThat(lines("/v1/presence/ws")).as("nothing logged while the socket is open").isEmpty();
    await(ws.close());
    Recorder.until(() -> lines("/v1/presence/ws").size() == 1, Duration.ofSeconds(10), "the WebSocket's access line");
    Matcher m = LINE.matcher(lines("/v1/presence/ws").get(0));
    assertThat(m.matches()).as(lines("/v1/presence/ws").get(0)).isTrue();
    assertThat(m.group(1)).isEqualTo("/v1/presence/ws?statuses=active&access_token=***");
    assertThat(m.group(2)).isEqualTo("101");
    assertThat(Long.parseLong(m.group(4))).as("bytes sent").isGreaterThanOrEqualTo(messages.all().get(0).length());
    // one line only, also after the gateway had time to notice everything
    Recorder.until(() -> gw.metrics().connections(ChannelMetrics.Channel.WS) == 0, Duration.ofSeconds(10), "socket released");
    assertThat(lines("/v1/presence/ws")).hasSize(1);
    assertNoKey();
  }

  private List<String> lines(String path) {
    synchronized (logs) {
      return List.copyOf(logs.list).stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.startsWith("GET " + path)).toList();
    }
  }

  private void assertNoKey() {
    assertThat(List.copyOf(logs.list)).noneMatch(e -> e.getFormattedMessage().contains(KEY));
  }
}
