package io.presencegateway.ops;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.presencegateway.MainVerticle;
import io.presencegateway.config.Setting;
import io.presencegateway.event.PersonIds;
import io.presencegateway.http.TestGateway;
import io.presencegateway.metrics.GatewayMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.presencegateway.testsupport.Await.result;
import static io.presencegateway.testsupport.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short run with changes, an SSE client, a WebSocket client and a webhook receiver, in a Vert.x
 * created with Micrometer metrics as the launcher creates it: /metrics exposes Vert.x's HTTP series
 * and the gateway's named series, and nothing in it carries a person id or a secret.
 */
class MetricsTest {
  private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef-metrics".getBytes());
  private static final List<String> GATEWAY_SERIES = List.of(
      "presence_upstream_calls_total{status=\"200\"}", "presence_poll_cycle_seconds", "presence_upstream_throttled",
      "presence_poll_interval_seconds", "presence_people_watched", "presence_changes_detected_total",
      "presence_events_sent_total{channel=\"sse\"}", "presence_events_sent_total{channel=\"ws\"}",
      "presence_events_sent_total{channel=\"webhook\"}", "presence_connections{channel=\"sse\"}",
      "presence_connections{channel=\"ws\"}", "presence_slow_client_disconnects_total", "presence_resumes_total",
      "presence_webhook_attempts_total{outcome=\"success\"}", "presence_webhook_delivery_latency_seconds",
      "presence_webhook_queue_depth", "presence_webhook_dead_letters_total", "presence_lease_holder_changes_total",
      "presence_poll_leader");
  private Vertx vertx;

  @AfterEach
  void close() {
    if (vertx != null) {
      result(vertx.close());
    }
  }

  @Test
  void namedSeriesAfterAShortRunWithoutIdsOrSecrets() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GatewayMetrics.useProcessRegistry(registry);
    vertx = Vertx.builder().with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
    AtomicInteger hooks = new AtomicInteger();
    int receiverPort = result(vertx.createHttpServer().requestHandler(req -> req.body().onComplete(b -> {
      hooks.incrementAndGet();
      req.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1")).actualPort();

    Map<Setting, Object> o = new HashMap<>();
    o.put(Setting.SIMULATOR_PORT, "0");
    o.put(Setting.SIMULATOR_PEOPLE, "6");
    o.put(Setting.SIMULATOR_CHANGE_INTERVAL_MS, "100");
    o.put(Setting.POLL_INTERVAL_MS, "150");
    o.put(Setting.WEBHOOK_URL, "http://127.0.0.1:" + receiverPort + "/hook");
    o.put(Setting.WEBHOOK_SECRET, SECRET);
    o.put(Setting.WEBHOOK_ALLOW_PRIVATE_TARGETS, "true");
    MainVerticle main = new MainVerticle(TestGateway.config(o));
    result(vertx.deployVerticle(main));
    int port = main.httpPort();

    AtomicInteger sseBytes = new AtomicInteger();
    HttpClient http = vertx.createHttpClient();
    result(http.request(HttpMethod.GET, port, "127.0.0.1", "/v1/presence/stream").compose(req -> req.send())
        .onSuccess(resp -> resp.handler(b -> sseBytes.addAndGet(b.length()))));
    AtomicInteger wsMessages = new AtomicInteger();
    WebSocketClient wsClient = vertx.createWebSocketClient();
    WebSocket ws = result(wsClient.webSocket().textMessageHandler(m -> wsMessages.incrementAndGet())
        .connect(port, "127.0.0.1", "/v1/presence/ws"));
    ws.writeTextMessage(new JsonObject().put("type", "subscribe").encode());

    WebClient client = WebClient.create(vertx);
    until("events on SSE, WebSocket and webhook", Duration.ofSeconds(20), () -> {
      String text = result(client.get(port, "127.0.0.1", "/metrics").send()).bodyAsString();
      return text.contains("presence_events_sent_total{channel=\"sse\"} ") && !text.contains("presence_events_sent_total{channel=\"sse\"} 0.0")
          && !text.contains("presence_events_sent_total{channel=\"ws\"} 0.0") && hooks.get() > 0
          && !text.contains("presence_events_sent_total{channel=\"webhook\"} 0.0");
    });

    var scrape = result(client.get(port, "127.0.0.1", "/metrics").send());
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.getHeader("Content-Type")).startsWith("text/plain");
    String text = scrape.bodyAsString();
    for (String series : GATEWAY_SERIES) {
      assertThat(text).as("series " + series).contains(series);
    }
    assertThat(text).contains("vertx_http_server_requests_total").contains("vertx_http_client_requests_total");
    assertThat(text).contains("presence_connections{channel=\"sse\"} 1.0").contains("presence_connections{channel=\"ws\"} 1.0");
    assertThat(text).doesNotContain("presence_people_watched 0.0");
    for (String counted : List.of("presence_changes_detected_total", "presence_webhook_attempts_total{outcome=\"success\"}",
        "presence_lease_holder_changes_total", "presence_upstream_calls_total{status=\"200\"}")) {
      assertThat(text).as("counted: " + counted).containsPattern(java.util.regex.Pattern.quote(counted) + " [1-9]");
    }

    JsonObject snapshot = result(client.get(port, "127.0.0.1", "/v1/presence").send()).bodyAsJsonObject();
    assertThat(snapshot.getJsonArray("items")).isNotEmpty();
    for (Object item : snapshot.getJsonArray("items")) {
      String id = ((JsonObject) item).getString("id");
      assertThat(text).doesNotContain(id).doesNotContain(PersonIds.key(id));
    }
    assertThat(text).doesNotContain(snapshot.getString("orgId"));
    assertThat(text).doesNotContain(SECRET).doesNotContain(SECRET.substring(6)).doesNotContain("/hook");
  }

  /**
   * The queue-depth gauge follows the delivery store: above zero while a receiver holds its answers,
   * zero once it answered everything; and a delivery still unanswered at shutdown is counted as
   * handed back. Presence changes only when the test says so (simulator changes off).
   */
  @Test
  void queueDepthFollowsPendingDeliveriesAndShutdownCountsHandedBackOnes() {
    vertx = Vertx.vertx();
    List<io.vertx.core.http.HttpServerRequest> held = new java.util.ArrayList<>();
    boolean[] holding = {true};
    int receiverPort = result(vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
      synchronized (held) {
        if (holding[0]) {
          held.add(req);
          return;
        }
      }
      req.response().setStatusCode(204).end();
    })).listen(0, "127.0.0.1")).actualPort();
    Map<Setting, Object> o = new HashMap<>();
    o.put(Setting.SIMULATOR_PORT, "0");
    o.put(Setting.SIMULATOR_PEOPLE, "4");
    o.put(Setting.SIMULATOR_CHANGE_INTERVAL_MS, "0");
    o.put(Setting.POLL_INTERVAL_MS, "150");
    o.put(Setting.WEBHOOK_URL, "http://127.0.0.1:" + receiverPort + "/hook");
    o.put(Setting.WEBHOOK_SECRET, SECRET);
    o.put(Setting.WEBHOOK_ALLOW_PRIVATE_TARGETS, "true");
    o.put(Setting.WEBHOOK_TIMEOUT_MS, "30000");
    o.put(Setting.SHUTDOWN_TIMEOUT_MS, "2000");
    MainVerticle main = new MainVerticle(TestGateway.config(o));
    result(vertx.deployVerticle(main));
    WebClient client = WebClient.create(vertx);
    // one cycle stores every baseline at once: a non-empty list means later changes are events
    until("baseline", Duration.ofSeconds(10), () -> !result(client.get(main.httpPort(), "127.0.0.1", "/v1/presence").send())
        .bodyAsJsonObject().getJsonArray("items").isEmpty());
    List<String> people = result(client.get(main.httpPort(), "127.0.0.1", "/v1/presence").send()).bodyAsJsonObject()
        .getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("id")).toList();

    people.forEach(id -> setStatus(client, main, id, "DoNotDisturb"));
    until("queue depth above zero while the receiver holds its answers", Duration.ofSeconds(10),
        () -> queueDepth(client, main) >= 1);
    synchronized (held) {
      holding[0] = false;
      held.forEach(r -> r.response().setStatusCode(204).end());
      held.clear();
    }
    until("queue depth back to zero once everything is answered", Duration.ofSeconds(10), () -> queueDepth(client, main) == 0);

    synchronized (held) {
      holding[0] = true;
    }
    setStatus(client, main, people.get(0), "meeting");
    until("an attempt waiting for its answer", Duration.ofSeconds(10), () -> {
      synchronized (held) {
        return held.size() == 1;
      }
    });
    result(main.shutdown(), Duration.ofSeconds(5));
    assertThat(GatewayMetrics.of(main.services()).scrape()).contains("presence_webhook_handed_back_total 1.0");
  }

  private static void setStatus(WebClient client, MainVerticle main, String personId, String status) {
    int code = result(client.put(main.simulatorPort(), "127.0.0.1", "/v1/simulator/people/" + personId)
        .sendJsonObject(new JsonObject().put("status", status))).statusCode();
    assertThat(code).isEqualTo(200);
  }

  private static double queueDepth(WebClient client, MainVerticle main) {
    String text = result(client.get(main.httpPort(), "127.0.0.1", "/metrics").send()).bodyAsString();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^presence_webhook_queue_depth (\\S+)$").matcher(text);
    assertThat(m.find()).as("queue depth series").isTrue();
    return Double.parseDouble(m.group(1));
  }
}
