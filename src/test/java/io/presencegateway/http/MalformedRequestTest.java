package io.presencegateway.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import io.presencegateway.config.Setting;
import io.vertx.core.Vertx;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.presencegateway.http.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed query strings are the client's mistake: a 400 in the usual error shape, no stack trace;
 * and no spelling of a credential parameter (percent-encoded name, other case, ';' separator) gets
 * its value into any log line.
 */
@ExtendWith(VertxExtension.class)
class MalformedRequestTest {
  private static final String KEY = "Sup3r-Secret-Key-0123456789";
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private Logger root;
  private Level before;

  @BeforeEach
  void captureLogs() {
    root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    before = root.getLevel();
    logs.start();
    root.addAppender(logs);
    root.setLevel(Level.DEBUG);
  }

  @AfterEach
  void releaseLogs() {
    root.detachAppender(logs);
    root.setLevel(before);
  }

  private record Answer(int status, String body) { }

  /** One request on a connection of its own; a stream's body is not read, its connection is closed. */
  private static Answer get(Vertx vertx, int port, String uri, Map<String, String> headers) throws Exception {
    HttpClient http = vertx.createHttpClient();
    try {
      RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(uri);
      headers.forEach(o::putHeader);
      return await(http.request(o).compose(q -> q.send()).compose(r -> {
        String type = r.getHeader("Content-Type");
        return type != null && type.startsWith("text/event-stream") ? Future.succeededFuture(new Answer(r.statusCode(), ""))
            : r.body().map(b -> new Answer(r.statusCode(), b.toString()));
      }));
    } finally {
      await(http.close());
    }
  }

  @Test
  void badPercentEncodingIsA400WithoutStackTraceNorToken(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.API_KEYS, KEY));
    Map<String, String> auth = Map.of("Authorization", "Bearer " + KEY);
    for (String uri : List.of("/v1/presence?x=%ZZ", "/v1/presence?ids=%E0%A4", "/v1/presence/stream?access_token=" + KEY + "&x=%ZZ",
        "/v1/presence/stream?x=%G1&access_token=" + KEY, "/v1/presence/ws?access_token=" + KEY + "&ids=%", "/v1/people?x=%ZZ")) {
      Answer a = get(vertx, gw.port(), uri, uri.contains("access_token") ? Map.of() : auth);
      assertThat(a.status()).as(uri).isEqualTo(400);
      JsonObject error = new JsonObject(a.body()).getJsonObject("error");
      assertThat(error.getString("code")).as(uri).isEqualTo("bad_request");
      assertThat(error.getString("message")).as(uri).doesNotContain(KEY);
      if (!uri.contains("%E0")) {
        assertThat(error.getString("message")).as(uri).containsIgnoringCase("query");
      }
    }
    for (String uri : List.of("/v1/presence/%ZZ", "/v1/people/%", "/%ZZ?access_token=" + KEY)) {
      assertThat(get(vertx, gw.port(), uri, auth).status()).as(uri).isBetween(400, 499);
    }
    assertThat(logs.list).as("no stack trace for a client's mistake").noneMatch(e -> e.getThrowableProxy() != null);
    assertThat(logs.list).as("no error logged").noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
    assertNoKeyLogged();
  }

  @Test
  void credentialParametersAreMaskedHoweverTheirNameIsSpelled(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.API_KEYS, KEY));
    for (String query : List.of("access%5Ftoken=" + KEY, "%61ccess_token=" + KEY, "ACCESS_TOKEN=" + KEY,
        "x=1;access_token=" + KEY, "statuses=call&api%5Fkey=" + KEY, "access_token=" + KEY.replace("-", "%2D"))) {
      get(vertx, gw.port(), "/v1/presence/stream?" + query, Map.of());
      get(vertx, gw.port(), "/v1/presence?" + query, Map.of());
    }
    Recorder.until(() -> gw.metrics().connections(ChannelMetrics.Channel.SSE) == 0, Duration.ofSeconds(10), "streams closed");
    assertThat(logs.list.stream().filter(e -> e.getLoggerName().equals("access")).count()).as("access lines").isGreaterThanOrEqualTo(12);
    assertNoKeyLogged();
  }

  private void assertNoKeyLogged() {
    List<String> lines = logs.list.stream().map(e -> e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy()))).toList();
    assertThat(lines).isNotEmpty();
    for (String secret : List.of(KEY, KEY.replace("-", "%2D"), KEY.substring(0, 12))) {
      assertThat(lines).as("log lines").noneMatch(l -> l.contains(secret));
    }
  }

  /** A client that sends half of its body and goes away made no mistake the gateway must shout about. */
  @Test
  void aBodyAbortedByTheClientIsNotAnInternalError(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of());
    for (int i = 0; i < 5; i++) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", gw.port())) {
        s.getOutputStream().write(("PUT /v1/watchlist HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + "Content-Length: 100\r\n\r\n{\"ids\"").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
      }
    }
    // the gateway still answers, and by then it has seen every one of the aborted bodies end
    Recorder.until(() -> gw.http().connections().size() == 0, Duration.ofSeconds(10), "aborted connections closed");
    assertThat(get(vertx, gw.port(), "/v1/watchlist", Map.of()).status()).isEqualTo(200);
    assertThat(logs.list).as("no ERROR line for a client that went away")
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
  }
}
