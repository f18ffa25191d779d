package io.presencegateway.http;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.Setting;
import io.presencegateway.event.PersonIds;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.store.DeliveryStore;
import io.presencegateway.store.PresenceStore;
import io.presencegateway.store.SubscriptionStore;
import io.presencegateway.store.UpstreamStore;
import io.presencegateway.store.WatchlistStore;
import io.presencegateway.store.WebhookStores;
import io.presencegateway.webhook.WebhookVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.ResponseValidator;
import io.vertx.openapi.validation.ValidatableResponse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.presencegateway.testsupport.Await.result;
import static io.presencegateway.testsupport.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the gateway answers matches what the contract says it answers: the error responses the code
 * returns (409s, 413, 503 store_unavailable with Retry-After on every store-backed operation) are in
 * the contract, and the bodies of the test outcome and the attempt log validate against the
 * schemas given for them (vertx-openapi's response validator).
 */
@ExtendWith(VertxExtension.class)
class OpenApiResponsesTest {
  private static final Path CONTRACT = Path.of("src/main/resources/openapi.yaml");
  /** Operations that answer 200/101 before they read the store: a store failure later ends the stream instead. */
  private static final Set<String> STREAMS = Set.of("streamPresence", "presenceWebSocket");

  private OpenAPIContract contract;
  private ResponseValidator validator;
  private WebClient client;

  @BeforeEach
  void load(Vertx vertx) throws Exception {
    contract = result(OpenAPIContract.from(vertx, jsonOnly(ContractValidation.parse(Files.readString(CONTRACT)))));
    validator = ResponseValidator.create(vertx, contract);
    client = WebClient.create(vertx);
  }

  /** One valid request per /v1 operation (a new operation must be added here: the walk below fails without one). */
  private static Map<String, Object[]> samples(String person, String subscription) {
    String sub = "/v1/subscriptions/" + subscription;
    Map<String, Object[]> m = new HashMap<>();
    m.put("listPresence", new Object[] {HttpMethod.GET, "/v1/presence", null});
    m.put("getPresence", new Object[] {HttpMethod.GET, "/v1/presence/" + person, null});
    m.put("listPeople", new Object[] {HttpMethod.GET, "/v1/people", null});
    m.put("getPerson", new Object[] {HttpMethod.GET, "/v1/people/" + person, null});
    m.put("listStatusMessages", new Object[] {HttpMethod.GET, "/v1/people/" + person + "/status-messages", null});
    m.put("putStatusMessage", new Object[] {HttpMethod.PUT, "/v1/people/" + person + "/status-messages/dnd",
        new JsonObject().put("statusMessage", "Focus time")});
    m.put("deleteStatusMessage", new Object[] {HttpMethod.DELETE, "/v1/people/" + person + "/status-messages/dnd", null});
    m.put("getWatchlist", new Object[] {HttpMethod.GET, "/v1/watchlist", null});
    m.put("replaceWatchlist", new Object[] {HttpMethod.PUT, "/v1/watchlist", new JsonObject().put("mode", "org")});
    m.put("addToWatchlist", new Object[] {HttpMethod.POST, "/v1/watchlist", new JsonObject().put("ids", new JsonArray().add(person))});
    m.put("removeFromWatchlist", new Object[] {HttpMethod.DELETE, "/v1/watchlist/" + person, null});
    m.put("listSubscriptions", new Object[] {HttpMethod.GET, "/v1/subscriptions", null});
    m.put("createSubscription", new Object[] {HttpMethod.POST, "/v1/subscriptions",
        new JsonObject().put("targetUrl", "http://127.0.0.1:9/hook")});
    m.put("getSubscription", new Object[] {HttpMethod.GET, sub, null});
    m.put("updateSubscription", new Object[] {HttpMethod.PUT, sub, new JsonObject().put("description", "desk")});
    m.put("patchSubscription", new Object[] {HttpMethod.PATCH, sub, new JsonObject().put("description", "desk")});
    m.put("deleteSubscription", new Object[] {HttpMethod.DELETE, sub, null});
    m.put("rotateSubscriptionSecret", new Object[] {HttpMethod.POST, sub + "/rotate-secret", new JsonObject()});
    m.put("testSubscription", new Object[] {HttpMethod.POST, sub + "/test", null});
    m.put("listSubscriptionDeliveries", new Object[] {HttpMethod.GET, sub + "/deliveries", null});
    m.put("replaySubscription", new Object[] {HttpMethod.POST, sub + "/replay", new JsonObject().put("deadLetters", true)});
    return m;
  }

  @Test
  void everyStoreBackedOperationAnswers503StoreUnavailableWithRetryAfterAsTheContractSays(Vertx vertx) {
    GatewayServices services = new GatewayServices(TestGateway.config(Map.of(Setting.WEBHOOK_ALLOW_PRIVATE_TARGETS, "true")),
        unreachable(PresenceStore.class), new PollStatus(),
        new WebhookStores(unreachable(SubscriptionStore.class), unreachable(DeliveryStore.class), Future::succeededFuture),
        unreachable(WatchlistStore.class), unreachable(UpstreamStore.class));
    HttpVerticle http = new HttpVerticle(services, 0);
    result(vertx.deployVerticle(http));
    Map<String, Object[]> samples = samples(PersonIds.personId("us", UUID.randomUUID()), "sub_0123456789abcdef");

    List<String> walked = new ArrayList<>();
    for (var operation : contract.operations()) {
      String id = operation.getOperationId();
      if (!operation.getOpenAPIPath().startsWith("/v1/") || STREAMS.contains(id)) {
        continue;
      }
      Object[] sample = samples.get(id);
      assertThat(sample).as("a sample request for " + id).isNotNull();
      HttpResponse<Buffer> r = send(http.actualPort(), sample);
      assertThat(r.statusCode()).as(id + ": " + r.bodyAsString()).isEqualTo(503);
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).as(id).isEqualTo("store_unavailable");
      assertThat(r.getHeader("Retry-After")).as(id).isEqualTo(Integer.toString(ErrorMapper.STORE_RETRY_AFTER_S));
      assertMatchesContract(id, r);
      walked.add(id);
    }
    assertThat(walked).as("every /v1 operation but the streams").hasSize(samples.size());
  }

  @Test
  void conflictsTooLargeBodiesTestOutcomesAndTheAttemptLogMatchTheContract(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.WEBHOOK_ALLOW_PRIVATE_TARGETS, "true",
        Setting.WEBHOOK_RETRY_SCHEDULE, "1s"));
    result(vertx.deployVerticle(new WebhookVerticle(gw.services())));
    int receiver = result(vertx.createHttpServer().requestHandler(req -> req.body()
        .onComplete(b -> req.response().setStatusCode(500).end())).listen(0, "127.0.0.1")).actualPort();
    String person = gw.person(0);
    int port = gw.port();

    // 413: a body over 64 KiB
    HttpResponse<Buffer> big = result(client.put(port, "127.0.0.1", "/v1/people/" + person + "/status-messages/dnd")
        .putHeader("Content-Type", "application/json")
        .sendBuffer(Buffer.buffer("{\"statusMessage\":\"" + "x".repeat(70_000) + "\"}")));
    assertError(big, 413, "payload_too_large", "putStatusMessage");

    // 409 too_many_messages: the 33rd status kind of one person
    for (int i = 0; i < StatusMessageApi.MAX_PER_PERSON; i++) {
      HttpResponse<Buffer> ok = result(client.put(port, "127.0.0.1", "/v1/people/" + person + "/status-messages/custom" + i)
          .sendJsonObject(new JsonObject().put("statusMessage", "m" + i)));
      assertThat(ok.statusCode()).as(ok.bodyAsString()).isEqualTo(200);
      assertMatchesContract("putStatusMessage", ok);
    }
    assertError(result(client.put(port, "127.0.0.1", "/v1/people/" + person + "/status-messages/onemore")
        .sendJsonObject(new JsonObject().put("statusMessage", "no room"))), 409, "too_many_messages", "putStatusMessage");

    // the test outcome, then a real event that fails twice and lands in the dead letters
    HttpResponse<Buffer> created = result(client.post(port, "127.0.0.1", "/v1/subscriptions")
        .sendJsonObject(new JsonObject().put("targetUrl", "http://127.0.0.1:" + receiver + "/hook")));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    assertMatchesContract("createSubscription", created);
    String sub = "/v1/subscriptions/" + created.bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> test = result(client.post(port, "127.0.0.1", sub + "/test").send());
    assertThat(test.statusCode()).as(test.bodyAsString()).isEqualTo(200);
    assertThat(test.bodyAsJsonObject().getInteger("statusCode")).isEqualTo(500);
    assertThat(test.bodyAsJsonObject().getBoolean("succeeded")).isFalse();
    assertMatchesContract("testSubscription", test);

    gw.change(1, "DoNotDisturb", "heads down");
    until("the event's two attempts failed and it is a dead letter", Duration.ofSeconds(20), () -> !result(
        client.get(port, "127.0.0.1", sub + "/deliveries").send()).bodyAsJsonObject().getJsonArray("deadLetters").isEmpty());
    HttpResponse<Buffer> log = result(client.get(port, "127.0.0.1", sub + "/deliveries").send());
    assertMatchesContract("listSubscriptionDeliveries", log);
    JsonArray items = log.bodyAsJsonObject().getJsonArray("items");
    assertThat(items.size()).as(items.encode()).isGreaterThanOrEqualTo(3);
    assertThat(items.stream().map(JsonObject.class::cast).anyMatch(a -> a.containsKey("nextRetryAt")))
        .as("a failed first attempt says when the next one is due: " + items.encode()).isTrue();

    // 409 disabled: a replay of a disabled subscription
    assertThat(result(client.patch(port, "127.0.0.1", sub).sendJsonObject(new JsonObject().put("enabled", false))).statusCode())
        .isEqualTo(200);
    assertError(result(client.post(port, "127.0.0.1", sub + "/replay").sendJsonObject(new JsonObject().put("deadLetters", true))),
        409, "disabled", "replaySubscription");
  }

  @Test
  void aTestWithNoWebhookSenderToAnswerIs503Unavailable(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(Setting.WEBHOOK_ALLOW_PRIVATE_TARGETS, "true"));
    HttpResponse<Buffer> created = result(client.post(gw.port(), "127.0.0.1", "/v1/subscriptions")
        .sendJsonObject(new JsonObject().put("targetUrl", "http://127.0.0.1:9/hook")));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    HttpResponse<Buffer> test = result(client.post(gw.port(), "127.0.0.1",
        "/v1/subscriptions/" + created.bodyAsJsonObject().getString("id") + "/test").send());
    assertError(test, 503, "unavailable", "testSubscription");
  }

  private HttpResponse<Buffer> send(int port, Object[] sample) {
    var request = client.request((HttpMethod) sample[0], port, "127.0.0.1", (String) sample[1]);
    return result(sample[2] == null ? request.send() : request.sendJsonObject((JsonObject) sample[2]));
  }

  private void assertError(HttpResponse<Buffer> r, int status, String code, String operationId) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo(code);
    assertMatchesContract(operationId, r);
  }

  /** The contract has a response for this status of this operation, and the body validates against its schema. */
  private void assertMatchesContract(String operationId, HttpResponse<Buffer> r) {
    Map<String, String> headers = new HashMap<>();
    r.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
    String type = r.getHeader("Content-Type") == null ? null : r.getHeader("Content-Type").replaceFirst(";.*", "");
    ValidatableResponse response = r.body() == null || r.body().length() == 0
        ? ValidatableResponse.create(r.statusCode(), headers)
        : ValidatableResponse.create(r.statusCode(), headers, r.body(), type);
    Future<?> validated = validator.validate(response, operationId);
    try {
      result(validated);
    } catch (RuntimeException e) {
      throw new AssertionError(operationId + " " + r.statusCode() + " does not match the contract: "
          + ContractValidation.describe(e) + "\n" + r.bodyAsString(), e);
    }
  }

  /**
   * The contract with only its JSON response bodies: vertx-openapi cannot validate the others
   * (text/event-stream, YAML, HTML, Prometheus text) and refuses a contract that has them.
   */
  private static JsonObject jsonOnly(JsonObject contract) {
    JsonObject copy = contract.copy();
    List<JsonObject> responseSets = new ArrayList<>();
    JsonObject paths = copy.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (paths.getJsonObject(path).getValue(method) instanceof JsonObject op && op.getJsonObject("responses") != null) {
          responseSets.add(op.getJsonObject("responses"));
        }
      }
    }
    responseSets.add(copy.getJsonObject("components").getJsonObject("responses"));
    for (JsonObject responses : responseSets) {
      for (String code : responses.fieldNames()) {
        if (responses.getValue(code) instanceof JsonObject response && response.getJsonObject("content") != null) {
          response.getJsonObject("content").fieldNames().removeIf(type -> !type.equals("application/json"));
          if (response.getJsonObject("content").isEmpty()) {
            response.remove("content");
          }
        }
      }
    }
    return copy;
  }

  /** A store whose every call fails the way an unreachable Redis does. */
  @SuppressWarnings("unchecked")
  private static <T> T unreachable(Class<T> type) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      if (method.getReturnType() == Future.class) {
        return Future.failedFuture(new ConnectException("Connection refused (test: the store is down)"));
      }
      if (method.getName().equals("toString")) {
        return "unreachable " + type.getSimpleName();
      }
      if (method.getName().equals("hashCode")) {
        return System.identityHashCode(proxy);
      }
      if (method.getName().equals("equals")) {
        return proxy == args[0];
      }
      throw new UnsupportedOperationException(method.getName());
    });
  }
}
