package io.presencegateway.ops;

import io.presencegateway.MainVerticle;
import io.presencegateway.config.Setting;
import io.presencegateway.http.TestGateway;
import io.presencegateway.simulator.SimulatorControl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.presencegateway.testsupport.Await.result;
import static io.presencegateway.testsupport.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A whole gateway on OAuth (client id, secret, refresh token) against the simulator's token
 * endpoint: when the refresh token is refused ({@code invalid_grant}) or refreshes keep failing,
 * polling stops and {@code /health/ready} says so with the reason, without any secret in it; no
 * People API call is made after the stop.
 */
@ExtendWith(VertxExtension.class)
class OauthReadinessTest {
  private static final String CLIENT = "client-1";
  private static final String SECRET = "secret-never-shown-1";

  private static MainVerticle gateway(Vertx vertx, SimulatorControl sim, String refreshToken) {
    Map<Setting, Object> o = new HashMap<>();
    o.put(Setting.SOURCE, "webex");
    o.put(Setting.WEBEX_BASE_URL, sim.baseUrl().toString());
    o.put(Setting.WEBEX_CLIENT_ID, CLIENT);
    o.put(Setting.WEBEX_CLIENT_SECRET, SECRET);
    o.put(Setting.WEBEX_REFRESH_TOKEN, refreshToken);
    o.put(Setting.POLL_INTERVAL_MS, "200");
    o.put(Setting.POLL_MAX_BACKOFF_MS, "300");
    o.put(Setting.WEBEX_TIMEOUT_MS, "500");
    MainVerticle main = new MainVerticle(TestGateway.config(o));
    result(vertx.deployVerticle(main));
    return main;
  }

  /** Polls /health/ready until it is 503 with "polling stopped"; returns the poller check's error. */
  private static String awaitStopped(Vertx vertx, MainVerticle main, String... secrets) {
    WebClient client = WebClient.create(vertx);
    AtomicReference<HttpResponse<Buffer>> last = new AtomicReference<>();
    until("readiness reports polling stopped", Duration.ofSeconds(20), () -> {
      last.set(result(client.get(main.httpPort(), "127.0.0.1", "/health/ready").send()));
      return last.get().statusCode() == 503 && last.get().bodyAsString().contains("polling stopped");
    });
    String body = last.get().bodyAsString();
    for (String secret : secrets) {
      assertThat(body).as("readiness body").doesNotContain(secret);
    }
    JsonObject poller = last.get().bodyAsJsonObject().getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("id").equals("poller")).findFirst().orElseThrow();
    assertThat(poller.getString("status")).isEqualTo("DOWN");
    return poller.getJsonObject("data").getString("error");
  }

  private static long peopleCalls(SimulatorControl sim) {
    JsonArray log = result(sim.requests());
    return log.stream().map(JsonObject.class::cast).filter(r -> r.getString("path").contains("/people")).count();
  }

  @Test
  void aRefusedRefreshTokenTurnsReadinessDownWithTheReason(Vertx vertx) {
    SimulatorControl sim = result(SimulatorControl.start(vertx, 3, 7));
    result(sim.oauth(CLIENT, SECRET, "rt-current", 3600));
    MainVerticle main = gateway(vertx, sim, "rt-revoked-long-ago");

    String error = awaitStopped(vertx, main, SECRET, "rt-revoked-long-ago");
    assertThat(error).contains("invalid_grant").contains("WEBEX_REFRESH_TOKEN");
    assertThat(peopleCalls(sim)).as("no People API call without a token").isZero();
  }

  @Test
  void refreshesThatKeepFailingStopPollingAfterFiveInARow(Vertx vertx) {
    SimulatorControl sim = result(SimulatorControl.start(vertx, 3, 7));
    result(sim.oauth(CLIENT, SECRET, "rt-current", 3600));
    result(sim.fault(new JsonObject().put("status", 500).put("times", 1_000).put("pathPrefix", "/v1/access_token")));
    MainVerticle main = gateway(vertx, sim, "rt-current");

    String error = awaitStopped(vertx, main, SECRET, "rt-current");
    assertThat(error).contains("failed 5 times in a row");
    long refreshes = result(sim.requests()).stream().map(JsonObject.class::cast)
        .filter(r -> r.getString("path").endsWith("/access_token")).count();
    assertThat(refreshes).as("five tries, then none").isEqualTo(5);
    assertThat(peopleCalls(sim)).isZero();
  }
}
