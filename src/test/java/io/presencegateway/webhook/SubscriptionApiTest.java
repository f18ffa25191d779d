package io.presencegateway.webhook;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.Setting;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.http.HttpVerticle;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.store.PresenceStore;
import io.presencegateway.store.WebhookStores;
import io.presencegateway.testsupport.StandardWebhooksVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.List;

import static io.presencegateway.webhook.WebhookTestSupport.await;
import static io.presencegateway.webhook.WebhookTestSupport.config;
import static io.presencegateway.webhook.WebhookTestSupport.emit;
import static io.presencegateway.webhook.WebhookTestSupport.person;
import static io.presencegateway.webhook.WebhookTestSupport.receiver;
import static io.presencegateway.webhook.WebhookTestSupport.state;
import static io.presencegateway.webhook.WebhookTestSupport.until;
import static org.assertj.core.api.Assertions.assertThat;

/** The subscriptions API on one in-memory gateway: HTTP verticle + webhook verticle on shared stores. */
@ExtendWith(VertxExtension.class)
class SubscriptionApiTest {

  record Api(WebClient client, int port, PresenceStore store, WebhookVerticle webhooks) {
    HttpResponse<Buffer> call(String method, String path, JsonObject body) throws Exception {
      var req = client.request(io.vertx.core.http.HttpMethod.valueOf(method), port, "127.0.0.1", path);
      return await(body == null ? req.send() : req.sendJsonObject(body));
    }
  }

  static Api start(Vertx vertx, GatewayConfig config) throws Exception {
    return start(vertx, config, new WebhookTestSupport.Stores(WebhookTestSupport.store(vertx), WebhookStores.memory()));
  }

  /** The gateway on given stores (e.g. {@link WebhookTestSupport#stores} for Redis). */
  static Api start(Vertx vertx, GatewayConfig config, WebhookTestSupport.Stores stores) throws Exception {
    PresenceStore store = stores.presence();
    GatewayServices services = new GatewayServices(config, store, new PollStatus(), stores.webhooks());
    HttpVerticle http = new HttpVerticle(services, 0);
    await(vertx.deployVerticle(http));
    WebhookVerticle webhooks = new WebhookVerticle(services);
    await(vertx.deployVerticle(webhooks));
    return new Api(WebClient.create(vertx), http.actualPort(), store, webhooks);
  }

  @Test
  void createReadUpdateDeleteWithTheSecretShownOnlyOnce(Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    Api api = start(vertx, config(new JsonArray()));
    String p = person();

    var created = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", rx.url())
        .put("ids", new JsonArray().add(p)).put("description", "desk app"));
    assertThat(created.statusCode()).isEqualTo(201);
    JsonObject sub = created.bodyAsJsonObject();
    String id = sub.getString("id");
    assertThat(sub.getString("secret")).startsWith("whsec_");
    WebhookSigner.decodeSecret(sub.getString("secret"));

    JsonObject read = api.call("GET", "/v1/subscriptions/" + id, null).bodyAsJsonObject();
    assertThat(read.containsKey("secret")).isFalse();
    assertThat(read.getString("description")).isEqualTo("desk app");
    assertThat(read.getBoolean("enabled")).isTrue();
    assertThat(api.call("GET", "/v1/subscriptions", null).bodyAsString()).doesNotContain("whsec_");

    var updated = api.call("PATCH", "/v1/subscriptions/" + id, new JsonObject().put("statuses", new JsonArray().add("call")));
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(updated.bodyAsJsonObject().getJsonArray("statuses")).containsExactly("call");
    assertThat(updated.bodyAsJsonObject().getString("description")).isEqualTo("desk app");

    emit(api.store(), state(p, "call", "on the phone"));
    until(vertx, 5_000, "delivery to the subscription", () -> rx.received.size() == 1);
    new StandardWebhooksVerifier(sub.getString("secret")).verify(rx.received.get(0).id(),
        rx.received.get(0).headers().get("webhook-timestamp"), rx.received.get(0).headers().get("webhook-signature"),
        rx.received.get(0).body(), Instant.now().getEpochSecond());
    io.presencegateway.testsupport.Await.until("attempt log", java.time.Duration.ofSeconds(5), () -> deliveries(api, id).size() == 1);
    assertThat(deliveries(api, id).getJsonObject(0).getInteger("statusCode")).isEqualTo(204);

    assertThat(api.call("DELETE", "/v1/subscriptions/" + id, null).statusCode()).isEqualTo(204);
    assertThat(api.call("GET", "/v1/subscriptions/" + id, null).statusCode()).isEqualTo(404);
    emit(api.store(), state(p, "call", "again"));
    WebhookTestSupport.quietFor(vertx, 300);
    assertThat(rx.received).hasSize(1);
  }

  private static JsonArray deliveries(Api api, String id) {
    try {
      return api.call("GET", "/v1/subscriptions/" + id + "/deliveries", null).bodyAsJsonObject().getJsonArray("items");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void badInputGetsAClear400(Vertx vertx) throws Exception {
    Api api = start(vertx, config(new JsonArray()));
    List<JsonObject> bad = List.of(new JsonObject(), new JsonObject().put("targetUrl", 5),
        new JsonObject().put("targetUrl", "ftp://example.com/x"), new JsonObject().put("targetUrl", "not a url"),
        new JsonObject().put("targetUrl", "https://example.com/").put("secret", "nope"),
        new JsonObject().put("targetUrl", "https://example.com/").put("statuses", new JsonArray().add("sleeping")),
        new JsonObject().put("targetUrl", "https://example.com/").put("ids", new JsonArray().add("not-a-person")),
        new JsonObject().put("targetUrl", "https://example.com/").put("colour", "red"));
    for (JsonObject body : bad) {
      var r = api.call("POST", "/v1/subscriptions", body);
      assertThat(r.statusCode()).as("for %s", body).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).isNotBlank();
    }
    var notJson = await(api.client().post(api.port(), "127.0.0.1", "/v1/subscriptions").sendBuffer(Buffer.buffer("{oops")));
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(api.call("GET", "/v1/subscriptions?max=0", null).statusCode()).isEqualTo(400);
    assertThat(api.call("GET", "/v1/subscriptions/nope", null).statusCode()).isEqualTo(404);
  }

  @Test
  void hostileTargetsAreRefusedAtRegistrationAndNothingIsContacted(Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    int port = rx.port();
    Api api = start(vertx, config(new JsonArray(), Setting.WEBHOOK_ALLOW_PRIVATE_TARGETS, "false"));
    List<String> hostile = List.of(
        "http://127.0.0.1:" + port + "/hook", "http://localhost:" + port + "/hook", "http://LOCALHOST.:" + port + "/",
        "http://2130706433:" + port + "/", "http://0x7f000001:" + port + "/", "http://0177.0.0.1:" + port + "/",
        "http://0x7f.1:" + port + "/", "http://127.1:" + port + "/", "http://[::1]:" + port + "/",
        "http://[::ffff:127.0.0.1]:" + port + "/", "http://[::ffff:7f00:1]:" + port + "/", "http://169.254.169.254/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/", "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.1/",
        "http://[fd00::1]/", "http://[fe80::1]/", "http://0.0.0.0:" + port + "/", "http://100.64.0.1/", "http://[64:ff9b::7f00:1]/",
        "http://user:pw@example.com/", "file:///etc/passwd", "gopher://127.0.0.1:" + port + "/");
    for (String url : hostile) {
      var r = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", url));
      assertThat(r.statusCode()).as("target %s", url).isEqualTo(400);
    }
    assertThat(hostile).hasSizeGreaterThanOrEqualTo(15);
    assertThat(api.call("GET", "/v1/subscriptions", null).bodyAsJsonObject().getJsonArray("items")).isEmpty();
    WebhookTestSupport.quietFor(vertx, 200);
    assertThat(rx.received).isEmpty();
  }

  @Test
  void duringARotationBothSecretsSignAndAUnicodeMessageVerifies(Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    Api api = start(vertx, config(new JsonArray()));
    String oldSecret = WebhookSigner.generateSecret();
    String id = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", rx.url()).put("secret", oldSecret))
        .bodyAsJsonObject().getString("id");

    var rotated = api.call("POST", "/v1/subscriptions/" + id + "/rotate-secret", new JsonObject().put("overlapSeconds", 3600));
    assertThat(rotated.statusCode()).isEqualTo(200);
    String newSecret = rotated.bodyAsJsonObject().getString("secret");
    assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);
    assertThat(rotated.bodyAsJsonObject().getString("previousSecretExpiresAt")).isNotNull();

    emit(api.store(), state(person(), "DoNotDisturb", "Zürich → 東京 会議中 🚀 \"q\" \\ ✓"));
    until(vertx, 5_000, "delivery", () -> rx.received.size() == 1);
    FakeReceiver.Received r = rx.received.get(0);
    assertThat(r.headers().get("webhook-signature").split(" ")).hasSize(2);
    for (String secret : List.of(oldSecret, newSecret)) {
      new StandardWebhooksVerifier(secret).verify(r.id(), r.headers().get("webhook-timestamp"),
          r.headers().get("webhook-signature"), r.body(), Instant.now().getEpochSecond());
    }

    api.call("POST", "/v1/subscriptions/" + id + "/rotate-secret", new JsonObject().put("overlapSeconds", 0));
    var test = api.call("POST", "/v1/subscriptions/" + id + "/test", null);
    assertThat(test.statusCode()).isEqualTo(200);
    assertThat(test.bodyAsJsonObject().getBoolean("succeeded")).isTrue();
    assertThat(rx.received.get(1).headers().get("webhook-signature").split(" ")).hasSize(1);
  }

  @Test
  void deadLettersAreListedAndReplayed(Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    rx.answer((req, r, i) -> req.response().setStatusCode(i < 3 ? 500 : 200).end());
    Api api = start(vertx, config(new JsonArray()));
    String id = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", rx.url()))
        .bodyAsJsonObject().getString("id");
    PresenceEvent e = emit(api.store(), state(person(), "meeting", ""));
    io.presencegateway.testsupport.Await.until("dead letter", java.time.Duration.ofSeconds(5), () -> {
      try {
        return api.call("GET", "/v1/subscriptions/" + id + "/deliveries", null).bodyAsJsonObject()
            .getJsonArray("deadLetters").size() == 1;
      } catch (Exception ex) {
        return false;
      }
    });
    assertThat(rx.received).hasSize(3);

    var replay = api.call("POST", "/v1/subscriptions/" + id + "/replay", new JsonObject().put("deadLetters", true));
    assertThat(replay.statusCode()).isEqualTo(202);
    assertThat(replay.bodyAsJsonObject().getInteger("queued")).isEqualTo(1);
    until(vertx, 5_000, "replayed delivery", () -> rx.received.size() == 4);
    assertThat(rx.received.get(3).id()).isEqualTo(e.id());

    var since = api.call("POST", "/v1/subscriptions/" + id + "/replay",
        new JsonObject().put("since", Instant.now().minusSeconds(60).toString()));
    assertThat(since.bodyAsJsonObject().getInteger("queued")).isEqualTo(1);
    until(vertx, 5_000, "replay since", () -> rx.received.size() == 5);
    assertThat(rx.received.get(4).id()).isEqualTo(e.id());
    assertThat(api.call("POST", "/v1/subscriptions/" + id + "/replay", new JsonObject()).statusCode()).isEqualTo(400);
  }

  @Test
  void aDeadLetterOlderThanADeliveredStateIsSkippedByTheReplay(Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    rx.answer((req, r, i) -> req.response().setStatusCode(i < 3 ? 500 : 200).end());
    Api api = start(vertx, config(new JsonArray()));
    String id = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", rx.url()))
        .bodyAsJsonObject().getString("id");
    String p = person();
    emit(api.store(), state(p, "meeting", ""));
    io.presencegateway.testsupport.Await.until("dead letter", java.time.Duration.ofSeconds(5), () -> {
      try {
        return api.call("GET", "/v1/subscriptions/" + id + "/deliveries", null).bodyAsJsonObject()
            .getJsonArray("deadLetters").size() == 1;
      } catch (Exception ex) {
        return false;
      }
    });
    PresenceEvent newer = emit(api.store(), state(p, "active", ""));
    until(vertx, 5_000, "the newer state delivered", () -> rx.received.size() == 4);
    assertThat(rx.received.get(3).id()).isEqualTo(newer.id());

    var replay = api.call("POST", "/v1/subscriptions/" + id + "/replay", new JsonObject().put("deadLetters", true));
    assertThat(replay.statusCode()).isEqualTo(202);
    assertThat(replay.bodyAsJsonObject()).isEqualTo(new JsonObject().put("queued", 0).put("skipped", 1));
    assertThat(api.call("GET", "/v1/subscriptions/" + id + "/deliveries", null).bodyAsJsonObject()
        .getJsonArray("deadLetters")).isEmpty();
  }

  @Test
  void staticReceiversAreReadOnlyBuiltInSubscriptions(Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    Api api = start(vertx, config(new JsonArray().add(receiver(rx.url(), WebhookSigner.generateSecret()))));
    JsonArray items = api.call("GET", "/v1/subscriptions", null).bodyAsJsonObject().getJsonArray("items");
    assertThat(items).hasSize(1);
    assertThat(items.getJsonObject(0).getString("id")).isEqualTo("static-0");
    assertThat(items.getJsonObject(0).getBoolean("builtIn")).isTrue();
    assertThat(api.call("DELETE", "/v1/subscriptions/static-0", null).statusCode()).isEqualTo(409);
    assertThat(api.call("PATCH", "/v1/subscriptions/static-0", new JsonObject().put("enabled", false)).statusCode()).isEqualTo(409);
    emit(api.store(), state(person(), "call", ""));
    until(vertx, 5_000, "static delivery", () -> rx.received.size() == 1);
  }
}
