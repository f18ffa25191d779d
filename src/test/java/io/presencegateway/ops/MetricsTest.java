package io.presencegateway.ops;

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
 * created with Micrometer metrics as the launcher creates it ({@link GatewayMetrics#vertxBuilder}):
 * /metrics exposes Vert.x's HTTP series and the gateway's named series, and after requests whose
 * paths and bodies carry person ids, a subscription id, secrets and an access token, nothing in it
 * carries any of them, nor a receiver's address.
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
      "presence_poll_leader", "presence_bus_consumers");
  private Vertx vertx;

  @AfterEach
  void close() {
    if (vertx != null) {
      result(vertx.close());
    }
  }

  @Test
  void namedSeriesAfterAShortRunWithoutIdsOrSecrets() throws Exception {
    vertx = GatewayMetrics.vertxBuilder(new VertxOptions()).build(); // as the launcher (Main) builds it
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

    // requests whose paths carry ids and a secret, before the scrape that must not show them
    JsonObject snapshot = result(client.get(port, "127.0.0.1", "/v1/presence").send()).bodyAsJsonObject();
    assertThat(snapshot.getJsonArray("items")).isNotEmpty();
    String person = snapshot.getJsonArray("items").getJsonObject(0).getString("id");
    for (String path : List.of("/v1/presence/" + person, "/v1/people/" + person, "/v1/people/" + person + "/status-messages")) {
      assertThat(result(client.get(port, "127.0.0.1", path).send()).statusCode()).as(path).isEqualTo(200);
    }
    assertThat(result(client.put(port, "127.0.0.1", "/v1/people/" + person + "/status-messages/dnd")
        .sendJsonObject(new JsonObject().put("statusMessage", "Focus time"))).statusCode()).isEqualTo(200);
    String hookSecret = "whsec_" + Base64.getEncoder().encodeToString("subscription-secret-in-a-body".getBytes());
    var created = result(client.post(port, "127.0.0.1", "/v1/subscriptions").sendJsonObject(new JsonObject()
        .put("targetUrl", "http://127.0.0.1:" + receiverPort + "/subscribed-hook").put("secret", hookSecret)));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String subscription = created.bodyAsJsonObject().getString("id");
    for (String path : List.of("/v1/subscriptions/" + subscription, "/v1/subscriptions/" + subscription + "/deliveries")) {
      assertThat(result(client.get(port, "127.0.0.1", path).send()).statusCode()).as(path).isEqualTo(200);
    }
    assertThat(result(client.post(port, "127.0.0.1", "/v1/subscriptions/" + subscription + "/test").send()).statusCode())
        .isEqualTo(200);
    int streamStatus = result(http.request(HttpMethod.GET, port, "127.0.0.1", "/v1/presence/stream?access_token=not-a-real-key&ids=" + person)
        .compose(req -> req.send().map(resp -> {
          req.reset(); // headers are enough: the request is counted
          return resp.statusCode();
        })));
    assertThat(streamStatus).isEqualTo(200);

    text = result(client.get(port, "127.0.0.1", "/metrics").send()).bodyAsString();
    assertThat(text).as("the id-bearing requests were counted, by route template")
        .contains("/v1/presence/:personId\"}").contains("/v1/people/:personId\"}").contains("/v1/subscriptions/:id\"}");
    java.util.Set<String> vertxLabels = new java.util.TreeSet<>();
    java.util.regex.Matcher label = java.util.regex.Pattern.compile("(?m)^vertx_\\w+\\{(.*)}").matcher(text);
    while (label.find()) {
      java.util.regex.Matcher key = java.util.regex.Pattern.compile("(\\w+)=\"").matcher(label.group(1));
      while (key.find()) {
        vertxLabels.add(key.group(1));
      }
    }
    assertThat(vertxLabels).as("labels of Vert.x's series (GatewayMetrics.VERTX_LABELS)")
        .containsExactlyInAnyOrder("method", "code", "route", "pool_type");
    assertDocumented(text);
    for (Object item : snapshot.getJsonArray("items")) {
      String id = ((JsonObject) item).getString("id");
      assertThat(text).doesNotContain(id).doesNotContain(PersonIds.key(id));
    }
    assertThat(text).doesNotContain(snapshot.getString("orgId")).doesNotContain(subscription);
    assertThat(text).doesNotContain(SECRET).doesNotContain(SECRET.substring(6)).doesNotContain("/hook")
        .doesNotContain(hookSecret.substring(6)).doesNotContain("/subscribed-hook").doesNotContain("not-a-real-key");
    assertThat(text).as("no receiver address").doesNotContain("127.0.0.1:" + receiverPort);
  }

  /** The metrics table of docs/OPERATIONS.md lists exactly the gateway's series (name without _total/_count/… suffixes). */
  private static void assertDocumented(String scrape) throws java.io.IOException {
    java.util.Set<String> exposed = new java.util.TreeSet<>();
    java.util.regex.Matcher sample = java.util.regex.Pattern.compile("(?m)^(presence_\\w+?)(_total|_count|_sum|_bucket|_max)?[{ ]").matcher(scrape);
    while (sample.find()) {
      exposed.add(sample.group(1));
    }
    java.util.Set<String> documented = new java.util.TreeSet<>();
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("docs/OPERATIONS.md"))) {
      if (line.startsWith("| `presence_")) {
        java.util.regex.Matcher name = java.util.regex.Pattern.compile("`(presence_\\w+?)(_total)?[`{]").matcher(line.split("\\|")[1]);
        while (name.find()) {
          documented.add(name.group(1));
        }
      }
    }
    assertThat(documented).as("series in the metrics table of docs/OPERATIONS.md vs. those /metrics exposes").isEqualTo(exposed);
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
