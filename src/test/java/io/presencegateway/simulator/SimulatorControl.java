package io.presencegateway.simulator;

import io.presencegateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;

import java.net.URI;
import java.time.Duration;

/** Test helper: a simulator on port 0 and a small client for its control API. */
public final class SimulatorControl {
  public static final String TOKEN = "sim-test-token";

  private final WebClient http;
  private final int port;

  private SimulatorControl(WebClient http, int port) {
    this.http = http;
    this.port = port;
  }

  /** A simulator with {@code people} seeded people and no spontaneous changes. */
  public static Future<SimulatorControl> start(Vertx vertx, int people, long seed) {
    WebexSimulatorVerticle simulator =
        new WebexSimulatorVerticle(new GatewayConfig.Simulator("127.0.0.1", 0, people, seed, 0), TOKEN);
    return vertx.deployVerticle(simulator).map(id -> new SimulatorControl(WebClient.create(vertx), simulator.actualPort()));
  }

  public int port() {
    return port;
  }

  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port + "/v1");
  }

  /** Webex settings pointing at this simulator. */
  public GatewayConfig.Webex webex(GatewayConfig.Watch watch, int pageSize, int timeoutMs) {
    return new GatewayConfig.Webex(baseUrl(), TOKEN, watch, pageSize, 50, 4, timeoutMs,
        Duration.ofSeconds(15), Duration.ofSeconds(600));
  }

  public WebClient http() {
    return http;
  }

  public Future<HttpResponse<Buffer>> putPerson(String id, JsonObject body) {
    return http.put(port, "127.0.0.1", "/v1/simulator/people/" + id).sendJsonObject(body).map(expect(200, 201));
  }

  public Future<HttpResponse<Buffer>> deletePerson(String id) {
    return http.delete(port, "127.0.0.1", "/v1/simulator/people/" + id).send().map(expect(204));
  }

  public Future<HttpResponse<Buffer>> fault(JsonObject fault) {
    return http.post(port, "127.0.0.1", "/v1/simulator/faults").sendJsonObject(fault).map(expect(201));
  }

  public Future<JsonArray> people() {
    return http.get(port, "127.0.0.1", "/v1/simulator/people").send().map(expect(200))
        .map(r -> r.bodyAsJsonObject().getJsonArray("items"));
  }

  /** Sets up the simulator's OAuth client: {clientId, clientSecret, refreshToken, expiresInS}. */
  public Future<JsonObject> oauth(String clientId, String secret, String refreshToken, int expiresInS) {
    return http.put(port, "127.0.0.1", "/v1/simulator/oauth").sendJsonObject(new JsonObject().put("clientId", clientId)
        .put("clientSecret", secret).put("refreshToken", refreshToken).put("expiresInS", expiresInS))
        .map(expect(200)).map(HttpResponse::bodyAsJsonObject);
  }

  /** OAuth state: refreshes (count), refreshTokens (the valid ones). */
  public Future<JsonObject> oauthState() {
    return http.get(port, "127.0.0.1", "/v1/simulator/oauth").send().map(expect(200)).map(HttpResponse::bodyAsJsonObject);
  }

  /** Every issued access token expires now. */
  public Future<Void> expireTokens() {
    return http.post(port, "127.0.0.1", "/v1/simulator/oauth/expire").send().map(expect(204)).mapEmpty();
  }

  /** The People API request log: items with timeMs, method, path, fault, status. */
  public Future<JsonArray> requests() {
    return http.get(port, "127.0.0.1", "/v1/simulator/requests").send().map(expect(200))
        .map(r -> r.bodyAsJsonObject().getJsonArray("items"));
  }

  private static java.util.function.Function<HttpResponse<Buffer>, HttpResponse<Buffer>> expect(int... statuses) {
    return r -> {
      for (int s : statuses) {
        if (r.statusCode() == s) {
          return r;
        }
      }
      throw new IllegalStateException("simulator control answered " + r.statusCode() + ": " + r.bodyAsString());
    };
  }
}
