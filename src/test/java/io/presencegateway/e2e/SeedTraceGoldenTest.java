package io.presencegateway.e2e;

import io.presencegateway.MainVerticle;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.RawSettings;
import io.presencegateway.config.Setting;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.testsupport.Await;
import io.presencegateway.testsupport.StandardWebhooksVerifier;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user's seed document, replayed end to end: the seed person goes through its five transitions
 * on the built-in simulator, status messages set through the gateway's API, and a webhook receiver
 * gets exactly five signed POSTs equal to the seed payloads (timestamp checked for format and
 * recency). Extra cycles, with no change and with lastActivity-only changes, send nothing.
 */
class SeedTraceGoldenTest {
  private static final String SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
  private static final String TIMESTAMP = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

  record Received(MultiMap headers, Buffer body) { }

  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private Vertx vertx;
  private WebClient client;
  private MainVerticle gateway;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    client = WebClient.create(vertx);
    HttpServer receiver = Await.result(vertx.createHttpServer()
        .requestHandler(req -> req.body().onSuccess(body -> {
          received.add(new Received(req.headers(), body));
          req.response().setStatusCode(204).end();
        })).listen(0, "127.0.0.1"));
    GatewayConfig config = GatewayConfig.from(RawSettings.defaults()
        .with(Setting.HTTP_HOST, "127.0.0.1").with(Setting.HTTP_PORT, "0")
        .with(Setting.SIMULATOR_PORT, "0").with(Setting.SIMULATOR_PEOPLE, "0")
        .with(Setting.SIMULATOR_CHANGE_INTERVAL_MS, "0").with(Setting.POLL_INTERVAL_MS, "200")
        .with(Setting.WEBHOOK_URL, "http://127.0.0.1:" + receiver.actualPort() + "/webhook")
        .with(Setting.WEBHOOK_SECRET, SECRET).with(Setting.WEBHOOK_ALLOW_PRIVATE_TARGETS, "true"));
    gateway = new MainVerticle(config);
    Await.result(vertx.deployVerticle(gateway));
  }

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  void fiveSeedTransitionsGiveExactlyTheFiveSeedWebhooks() throws Exception {
    JsonObject trace = seedTrace();
    JsonObject person = trace.getJsonObject("person");
    String id = person.getString("id");
    simulator(id, new JsonObject().put("orgId", trace.getString("orgId")).put("lastModified", person.getString("lastModified"))
        .put("displayName", "Seed Person").mergeIn(person.getJsonObject("baseline")));
    Await.until("baseline stored", Duration.ofSeconds(10), () -> get("/v1/presence/" + id).statusCode() == 200);

    StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(SECRET);
    Set<String> webhookIds = new HashSet<>();
    for (Object s : trace.getJsonArray("steps")) {
      JsonObject step = (JsonObject) s;
      Instant changedAt = Instant.now().minusMillis(1);
      step.getJsonObject("statusMessages").forEach(m -> putStatusMessage(id, m.getKey(), (String) m.getValue()));
      simulator(id, new JsonObject().put("status", step.getString("status")).put("lastActivity", step.getString("lastActivity")));

      Received post = received.poll(10, TimeUnit.SECONDS);
      assertThat(post).as("webhook for step " + step.getString("status")).isNotNull();
      verifier.verify(post.headers().get("webhook-id"), post.headers().get("webhook-timestamp"),
          post.headers().get("webhook-signature"), post.body().getBytes(), Instant.now().getEpochSecond());
      assertThat(webhookIds.add(post.headers().get("webhook-id"))).as("webhook-id is unique").isTrue();
      assertThat(post.headers().get("x-org-id")).isEqualTo(trace.getString("orgId"));
      assertThat(post.headers().get("Content-Type")).startsWith("application/json");
      assertSeedShape(post.body(), step.getJsonObject("expect"), changedAt);
    }

    simulator(id, new JsonObject().put("lastActivity", "2025-08-15T17:00:00.000Z"));
    waitCycles(3);
    assertThat(received).as("nothing sent for lastActivity-only changes or cycles without change").isEmpty();
  }

  /** Field by field equal to the seed body, except timestamp: format, and not before the change. */
  private static void assertSeedShape(Buffer body, JsonObject expect, Instant changedAt) {
    JsonObject actual = body.toJsonObject();
    String timestamp = actual.getString("timestamp");
    assertThat(timestamp).matches(TIMESTAMP);
    assertThat(Instant.parse(timestamp)).isAfterOrEqualTo(changedAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    assertThat(actual.copy().put("timestamp", "T").encode()).isEqualTo(expect.copy().put("timestamp", "T").encode());
  }

  private void waitCycles(int cycles) {
    PollStatus status = gateway.services().pollStatus();
    for (int i = 0; i < cycles; i++) {
      Instant before = status.lastSuccess();
      Await.until("a poll cycle", Duration.ofSeconds(10), () -> status.lastSuccess() != null && !status.lastSuccess().equals(before));
    }
  }

  private void simulator(String id, JsonObject body) {
    HttpResponse<Buffer> r = Await.result(client.put(gateway.simulatorPort(), "127.0.0.1", "/v1/simulator/people/" + id).sendJsonObject(body));
    assertThat(r.statusCode()).as("simulator control: " + r.bodyAsString()).isBetween(200, 299);
  }

  private void putStatusMessage(String id, String status, String message) {
    HttpResponse<Buffer> r = Await.result(client.put(gateway.httpPort(), "127.0.0.1", "/v1/people/" + id + "/status-messages/" + status)
        .sendJsonObject(new JsonObject().put("statusMessage", message)));
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
  }

  private HttpResponse<Buffer> get(String path) {
    return Await.result(client.get(gateway.httpPort(), "127.0.0.1", path).send());
  }

  private static JsonObject seedTrace() throws Exception {
    try (InputStream in = SeedTraceGoldenTest.class.getResourceAsStream("/fixtures/seed-trace.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }
}
