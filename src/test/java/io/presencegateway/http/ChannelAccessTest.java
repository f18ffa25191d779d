package io.presencegateway.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.presencegateway.config.Setting;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static io.presencegateway.http.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
class ChannelAccessTest {
  private static final String KEY = "k3y-Secret-0123456789";

  private static HttpClientResponse get(HttpClient http, int port, String uri, Map<String, String> headers) throws Exception {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(uri);
    headers.forEach(o::putHeader);
    return await(http.request(o).compose(r -> r.send()));
  }

  @Test
  void apiKeysGuardApiAndStreamsAndNeverReachTheLogs(Vertx vertx) throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    root.addAppender(logs);
    root.setLevel(Level.DEBUG);
    try {
      TestGateway gw = TestGateway.start(vertx, Map.of(Setting.API_KEYS, "other-key," + KEY));
      HttpClient http = vertx.createHttpClient();
      int port = gw.port();
      io.vertx.core.buffer.Buffer body = await(http.request(HttpMethod.GET, port, "127.0.0.1", "/v1/presence")
          .compose(r -> r.send()).compose(r -> r.statusCode() == 401 ? r.body() : io.vertx.core.Future.failedFuture("status " + r.statusCode())));
      assertThat(new JsonObject(body).getJsonObject("error").getString("code")).isEqualTo("unauthorized");
      assertThat(get(http, port, "/v1/presence", Map.of("Authorization", "Bearer wrong")).statusCode()).isEqualTo(401);
      assertThat(get(http, port, "/v1/presence?access_token=" + KEY, Map.of()).statusCode()).as("query key only for streams").isEqualTo(401);
      assertThat(get(http, port, "/v1/presence", Map.of("Authorization", "Bearer " + KEY)).statusCode()).isEqualTo(200);
      assertThat(get(http, port, "/v1/presence/stream", Map.of()).statusCode()).isEqualTo(401);
      assertThat(get(http, port, "/v1/presence/stream?access_token=nope", Map.of()).statusCode()).isEqualTo(401);
      HttpClientResponse stream = get(http, port, "/v1/presence/stream?access_token=" + KEY, Map.of());
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(stream.getHeader("Content-Type")).startsWith("text/event-stream");

      var ws = vertx.createWebSocketClient();
      WebSocketConnectOptions noKey = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/v1/presence/ws");
      assertThatThrownBy(() -> await(ws.connect(noKey))).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOf(UpgradeRejectedException.class)
          .satisfies(e -> assertThat(((UpgradeRejectedException) e).getStatus()).isEqualTo(401));
      for (WebSocketConnectOptions wrongKey : List.of(new WebSocketConnectOptions(noKey).setURI("/v1/presence/ws?access_token=nope"),
          new WebSocketConnectOptions(noKey).addHeader("Authorization", "Bearer wrong"))) {
        assertThatThrownBy(() -> await(ws.connect(wrongKey))).as("a wrong key is refused before the upgrade")
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(UpgradeRejectedException.class)
            .satisfies(e -> assertThat(((UpgradeRejectedException) e).getStatus()).isEqualTo(401));
      }
      assertThat(await(ws.connect(new WebSocketConnectOptions(noKey).setURI("/v1/presence/ws?access_token=" + KEY))).isClosed()).isFalse();
      assertThat(await(ws.connect(new WebSocketConnectOptions(noKey).addHeader("Authorization", "Bearer " + KEY))).isClosed()).isFalse();
      http.close();
      Recorder.until(() -> gw.metrics().connections(ChannelMetrics.Channel.SSE) == 0, java.time.Duration.ofSeconds(10), "SSE closed");
    } finally {
      root.detachAppender(logs);
      root.setLevel(before);
    }
    assertThat(logs.list).isNotEmpty();
    assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains(KEY) || String.valueOf(e.getThrowableProxy()).contains(KEY));
  }

  @Test
  void corsEchoesOnlyConfiguredOriginsAndAnswersPreflightWithoutKey(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.CORS_ORIGINS, "https://dash.example", Setting.API_KEYS, KEY));
    HttpClient http = vertx.createHttpClient();
    HttpClientResponse ok = get(http, gw.port(), "/v1/presence", Map.of("Origin", "https://dash.example", "Authorization", "Bearer " + KEY));
    assertThat(ok.getHeader("Access-Control-Allow-Origin")).isEqualTo("https://dash.example");
    assertThat(ok.getHeader("Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(ok.getHeader("Vary")).isEqualTo("Origin");
    HttpClientResponse other = get(http, gw.port(), "/v1/presence", Map.of("Origin", "https://evil.example", "Authorization", "Bearer " + KEY));
    assertThat(other.getHeader("Access-Control-Allow-Origin")).isNull();

    RequestOptions preflight = new RequestOptions().setMethod(HttpMethod.OPTIONS).setHost("127.0.0.1").setPort(gw.port())
        .setURI("/v1/presence/stream").putHeader("Origin", "https://dash.example")
        .putHeader("Access-Control-Request-Method", "GET").putHeader("Access-Control-Request-Headers", "authorization");
    HttpClientResponse pre = await(http.request(preflight).compose(r -> r.send()));
    assertThat(pre.statusCode()).isEqualTo(204);
    assertThat(pre.getHeader("Access-Control-Allow-Origin")).isEqualTo("https://dash.example");
    assertThat(pre.getHeader("Access-Control-Allow-Headers")).containsIgnoringCase("authorization");
    HttpClientResponse denied = await(http.request(new RequestOptions(preflight).putHeader("Origin", "https://evil.example")).compose(r -> r.send()));
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.getHeader("Access-Control-Allow-Origin")).isNull();

    var ws = vertx.createWebSocketClient();
    WebSocketConnectOptions evil = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gw.port())
        .setURI("/v1/presence/ws?access_token=" + KEY).addHeader("Origin", "https://evil.example");
    assertThatThrownBy(() -> await(ws.connect(evil))).cause().isInstanceOf(UpgradeRejectedException.class);
  }

  @Test
  void connectionLimitAnswers503WithRetryAfterUntilASlotFrees(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.HTTP_MAX_CONNECTIONS, "2"));
    HttpClient a = vertx.createHttpClient();
    HttpClient b = vertx.createHttpClient();
    HttpClient c = vertx.createHttpClient();
    assertThat(get(a, gw.port(), "/v1/presence/stream", Map.of()).statusCode()).isEqualTo(200);
    assertThat(get(b, gw.port(), "/v1/presence/stream", Map.of()).statusCode()).isEqualTo(200);
    HttpClientResponse full = get(c, gw.port(), "/v1/presence/stream", Map.of());
    assertThat(full.statusCode()).isEqualTo(503);
    assertThat(Integer.parseInt(full.getHeader("Retry-After"))).isBetween(1, 60);
    var ws = vertx.createWebSocketClient();
    assertThatThrownBy(() -> await(ws.connect(gw.port(), "127.0.0.1", "/v1/presence/ws"))).cause()
        .isInstanceOf(UpgradeRejectedException.class).satisfies(e -> assertThat(((UpgradeRejectedException) e).getStatus()).isEqualTo(503));
    await(a.close());
    Recorder.until(() -> gw.metrics().connections(ChannelMetrics.Channel.SSE) == 1, java.time.Duration.ofSeconds(10), "slot freed");
    assertThat(get(c, gw.port(), "/v1/presence/stream", Map.of()).statusCode()).isEqualTo(200);
    assertThat(gw.metrics().rejectedConnections()).isEqualTo(2);
  }
}
