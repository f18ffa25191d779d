package io.presencegateway.ops;

import io.presencegateway.MainVerticle;
import io.presencegateway.config.Setting;
import io.presencegateway.http.TestGateway;
import io.presencegateway.simulator.SimulatorControl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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
 * /health/ready of a whole gateway polling a simulator over HTTP: down on an upstream 401, on a
 * stale poll cycle (upstream failing) and on a throttle longer than the staleness bound, up again
 * once upstream answers. Redis down → not ready is
 * covered with a real redis-server in cluster/RedisTroubleTest.
 */
@ExtendWith(VertxExtension.class)
class ReadinessTest {

  private static Map<Setting, Object> upstream(SimulatorControl sim, String token) {
    Map<Setting, Object> o = new HashMap<>();
    o.put(Setting.SOURCE, "webex");
    o.put(Setting.WEBEX_BASE_URL, sim.baseUrl().toString());
    o.put(Setting.WEBEX_TOKEN, token);
    o.put(Setting.POLL_INTERVAL_MS, "200");
    o.put(Setting.POLL_MAX_BACKOFF_MS, "300");
    o.put(Setting.WEBEX_TIMEOUT_MS, "500");
    return o;
  }

  private static MainVerticle gateway(Vertx vertx, Map<Setting, Object> overrides) {
    MainVerticle main = new MainVerticle(TestGateway.config(overrides));
    result(vertx.deployVerticle(main));
    return main;
  }

  @Test
  void anUpstream401MakesTheLeaseHolderNotReady(Vertx vertx) {
    SimulatorControl sim = result(SimulatorControl.start(vertx, 3, 7));
    MainVerticle main = gateway(vertx, upstream(sim, "wrong-token"));
    WebClient client = WebClient.create(vertx);
    AtomicReference<JsonObject> last = new AtomicReference<>();
    until("readiness reports the 401", Duration.ofSeconds(10), () -> {
      var r = result(client.get(main.httpPort(), "127.0.0.1", "/health/ready").send());
      last.set(r.bodyAsJsonObject());
      return r.statusCode() == 503 && r.bodyAsString().contains("401");
    });
    assertThat(poller(last.get()).getString("status")).isEqualTo("DOWN");
    assertThat(last.get().encode()).doesNotContain("wrong-token");
  }

  @Test
  void aStalePollCycleMakesTheLeaseHolderNotReadyUntilUpstreamAnswersAgain(Vertx vertx) {
    SimulatorControl sim = result(SimulatorControl.start(vertx, 3, 7));
    MainVerticle main = gateway(vertx, upstream(sim, SimulatorControl.TOKEN));
    WebClient client = WebClient.create(vertx);
    until("ready while upstream answers", Duration.ofSeconds(10),
        () -> result(client.get(main.httpPort(), "127.0.0.1", "/health/ready").send()).statusCode() == 200);

    result(sim.fault(new JsonObject().put("status", 500).put("times", 100_000)));
    AtomicReference<JsonObject> last = new AtomicReference<>();
    until("not ready once no cycle succeeded for 3 intervals + timeout", Duration.ofSeconds(10), () -> {
      var r = result(client.get(main.httpPort(), "127.0.0.1", "/health/ready").send());
      last.set(r.bodyAsJsonObject());
      return r.statusCode() == 503;
    });
    assertThat(poller(last.get()).getJsonObject("data").getString("error")).contains("no successful cycle");

    result(sim.http().delete(sim.port(), "127.0.0.1", "/v1/simulator/faults").send());
    until("ready again after a successful cycle", Duration.ofSeconds(10),
        () -> result(client.get(main.httpPort(), "127.0.0.1", "/health/ready").send()).statusCode() == 200);
  }

  /**
   * A 429 whose Retry-After (3 s) outlasts the staleness bound (3 x 300 ms widened interval + 500 ms)
   * makes the lease holder not ready with the throttle as the reason, and ready again once a cycle
   * succeeds after it.
   */
  @Test
  void aRetryAfterLongerThanTheBoundMakesTheLeaseHolderNotReadyUntilItEnds(Vertx vertx) {
    SimulatorControl sim = result(SimulatorControl.start(vertx, 3, 7));
    MainVerticle main = gateway(vertx, upstream(sim, SimulatorControl.TOKEN));
    WebClient client = WebClient.create(vertx);
    until("ready while upstream answers", Duration.ofSeconds(10),
        () -> result(client.get(main.httpPort(), "127.0.0.1", "/health/ready").send()).statusCode() == 200);

    result(sim.fault(new JsonObject().put("status", 429).put("retryAfter", "3").put("times", 1)));
    AtomicReference<JsonObject> last = new AtomicReference<>();
    until("not ready because of the throttle", Duration.ofSeconds(10), () -> {
      var r = result(client.get(main.httpPort(), "127.0.0.1", "/health/ready").send());
      last.set(r.bodyAsJsonObject());
      return r.statusCode() == 503 && r.bodyAsString().contains("throttles us");
    });
    JsonObject data = poller(last.get()).getJsonObject("data");
    assertThat(data.getBoolean("throttled")).isTrue();
    assertThat(data.getString("throttledUntil")).isNotNull();
    until("ready again after the Retry-After", Duration.ofSeconds(10),
        () -> result(client.get(main.httpPort(), "127.0.0.1", "/health/ready").send()).statusCode() == 200);
  }

  @Test
  void aShuttingDownInstanceIsNotReady(Vertx vertx) {
    SimulatorControl sim = result(SimulatorControl.start(vertx, 3, 7));
    MainVerticle main = gateway(vertx, upstream(sim, SimulatorControl.TOKEN));
    io.presencegateway.http.ChannelRegistry.of(main.services()).drain();
    var r = result(WebClient.create(vertx).get(main.httpPort(), "127.0.0.1", "/health/ready").send());
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.bodyAsString()).contains("shutting down");
  }

  private static JsonObject poller(JsonObject health) {
    return health.getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("id").equals("poller")).findFirst().orElseThrow();
  }
}
