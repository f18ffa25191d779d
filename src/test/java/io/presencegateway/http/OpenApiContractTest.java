package io.presencegateway.http;

import io.presencegateway.config.Setting;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract (src/main/resources/openapi.yaml) describes every route of the router, is served
 * as written at /openapi.yaml, and rejects bad requests with the uniform 400 before a handler runs.
 */
@ExtendWith(VertxExtension.class)
class OpenApiContractTest {
  private static final Path CONTRACT = Path.of("src/main/resources/openapi.yaml");
  private TestGateway gw;
  private WebClient client;

  @BeforeEach
  void start(Vertx vertx) throws Exception {
    gw = TestGateway.start(vertx, Map.of());
    client = WebClient.create(vertx);
  }

  @AfterEach
  void stop() {
    client.close();
  }

  /**
   * Routes whose path is a prefix, not an operation, each with the reason it needs no operation of
   * its own. Routes without a path (access log, CORS, validation, the failure handler, the 404/405
   * fallback) apply to every request and are not operations either.
   */
  private static final Map<String, String> PREFIX_ROUTES = Map.of(
      "/v1/", "API key check and body limit in front of every /v1 route; each of those is an exact route, checked here",
      "/", "the page's static files: GET / is described (liveBoard); /index.html, /css/*, /js/* are its assets, not API");

  @Test
  void everyRouteOfTheRouterIsInTheContract() throws Exception {
    JsonObject paths = ContractValidation.parse(Files.readString(CONTRACT)).getJsonObject("paths");
    List<String> missing = new ArrayList<>();
    int checked = 0;
    for (Route route : gw.http().router().getRoutes()) {
      if (route.getPath() == null) {
        continue;
      }
      if (!route.isExactPath()) {
        if (!PREFIX_ROUTES.containsKey(route.getPath())) {
          missing.add("prefix route " + route.getPath() + " (describe it, or add it with a reason to PREFIX_ROUTES)");
        }
        continue;
      }
      String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      JsonObject item = paths.getJsonObject(path);
      Set<HttpMethod> methods = route.methods() == null ? Set.of() : route.methods();
      if (item == null) {
        missing.add(methods + " " + path);
        continue;
      }
      for (HttpMethod m : methods) {
        checked++;
        if (!item.containsKey(m.name().toLowerCase(Locale.ROOT))) {
          missing.add(m + " " + path);
        }
      }
    }
    assertThat(missing).as("routes the contract does not describe").isEmpty();
    assertThat(checked).as("the walk saw the API's routes").isGreaterThanOrEqualTo(10);
    assertThat(paths.getJsonObject("/").containsKey("get")).as("GET / (the page) is described").isTrue();
  }

  @Test
  void everyOperationOfTheContractHasARoute() throws Exception {
    JsonObject paths = ContractValidation.parse(Files.readString(CONTRACT)).getJsonObject("paths");
    Set<String> routed = new java.util.HashSet<>();
    for (Route route : gw.http().router().getRoutes()) {
      if (route.getPath() != null && route.isExactPath() && route.methods() != null) {
        String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
        route.methods().forEach(m -> routed.add(m.name() + " " + path));
      }
    }
    routed.add("GET /"); // the static handler's index page
    List<String> unrouted = new ArrayList<>();
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(method)
            && !routed.contains(method.toUpperCase(Locale.ROOT) + " " + path)) {
          unrouted.add(method.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    assertThat(unrouted).as("operations of the contract no route serves").isEmpty();
  }

  @Test
  void aKnownPathWithAnotherMethodIs405WithAllowAndAnUnknownPathIs404() {
    HttpResponse<Buffer> wrongMethod = result(client.delete(gw.port(), "127.0.0.1", "/v1/presence").send());
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.getHeader("Allow")).isEqualTo("GET");
    assertThat(wrongMethod.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("method_not_allowed");
    HttpResponse<Buffer> templated = result(client.post(gw.port(), "127.0.0.1", "/v1/watchlist/" + gw.person(0)).send());
    assertThat(templated.statusCode()).isEqualTo(405);
    assertThat(templated.getHeader("Allow")).isEqualTo("DELETE");
    HttpResponse<Buffer> several = result(client.request(HttpMethod.PATCH, gw.port(), "127.0.0.1", "/v1/watchlist").send());
    assertThat(several.statusCode()).isEqualTo(405);
    assertThat(several.getHeader("Allow")).isEqualTo("GET, POST, PUT");
    assertThat(result(client.post(gw.port(), "127.0.0.1", "/health/live").send()).statusCode()).isEqualTo(405);
    assertThat(result(client.post(gw.port(), "127.0.0.1", "/").send()).statusCode()).isEqualTo(405);

    HttpResponse<Buffer> unknown = result(client.get(gw.port(), "127.0.0.1", "/v1/nothing-here").send());
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("not_found");
    assertThat(result(client.get(gw.port(), "127.0.0.1", "/").send()).statusCode()).as("the page").isEqualTo(200);
    assertThat(result(client.get(gw.port(), "127.0.0.1", "/css/app.css").send()).statusCode()).as("an asset").isEqualTo(200);
  }

  @Test
  void theContractIsServedAsWritten() throws Exception {
    HttpResponse<Buffer> r = result(client.get(gw.port(), "127.0.0.1", "/openapi.yaml").send());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).startsWith("application/yaml");
    assertThat(r.bodyAsString()).isEqualTo(Files.readString(CONTRACT));
  }

  @Test
  void badRequestsAreRejectedByTheContractWithTheUniformError() {
    String person = gw.person(0);
    assertBadRequest(client.get(gw.port(), "127.0.0.1", "/v1/presence/not%20an%20id").send(), "personId");
    assertBadRequest(client.put(gw.port(), "127.0.0.1", "/v1/people/" + person + "/status-messages/dnd")
        .sendJsonObject(new JsonObject().put("statusMessage", 42)), "statusMessage");
    assertBadRequest(client.put(gw.port(), "127.0.0.1", "/v1/people/" + person + "/status-messages/dnd")
        .sendJsonObject(new JsonObject().put("statusMessage", "ok").put("extra", true)), "extra");
    assertBadRequest(client.put(gw.port(), "127.0.0.1", "/v1/people/" + person + "/status-messages/dnd")
        .sendJsonObject(new JsonObject().put("statusMessage", "x".repeat(1001))), "statusMessage");
    assertBadRequest(client.put(gw.port(), "127.0.0.1", "/v1/people/" + person + "/status-messages/" + "d".repeat(65))
        .sendJsonObject(new JsonObject().put("statusMessage", "ok")), "status");
  }

  @Test
  void goodRequestsStillReachTheirHandlers() {
    String person = gw.person(0);
    HttpResponse<Buffer> put = result(client.put(gw.port(), "127.0.0.1", "/v1/people/" + person + "/status-messages/dnd")
        .sendJsonObject(new JsonObject().put("statusMessage", "Focus time")));
    assertThat(put.statusCode()).isEqualTo(200);
    HttpResponse<Buffer> one = result(client.get(gw.port(), "127.0.0.1", "/v1/presence/" + person).send());
    assertThat(one.statusCode()).isEqualTo(200);
    // a rule the contract cannot express is still the handler's: same uniform shape
    HttpResponse<Buffer> notAnId = result(client.get(gw.port(), "127.0.0.1", "/v1/presence/abc").send());
    assertThat(notAnId.statusCode()).isEqualTo(400);
    assertThat(notAnId.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("not a Webex person id");
  }

  @Test
  void anApiKeyIsCheckedBeforeTheShape(Vertx vertx) throws Exception {
    TestGateway locked = TestGateway.start(vertx, Map.of(Setting.API_KEYS, "k1"));
    HttpResponse<Buffer> r = result(client.get(locked.port(), "127.0.0.1", "/v1/presence/not%20an%20id").send());
    assertThat(r.statusCode()).isEqualTo(401);
  }

  private static void assertBadRequest(io.vertx.core.Future<HttpResponse<Buffer>> request, String mentioned) {
    HttpResponse<Buffer> r = result(request);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
    assertThat(r.getHeader("Content-Type")).startsWith("application/json");
    JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("bad_request");
    assertThat(error.getString("message")).contains(mentioned);
  }
}
