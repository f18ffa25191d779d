package io.presencegateway.e2e;

import io.presencegateway.MainVerticle;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.RawSettings;
import io.presencegateway.config.Setting;
import io.presencegateway.testsupport.Await;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's local many-instances recipe: one instance embeds the simulator and lets it accept
 * WEBEX_TOKEN; another polls that simulator as its Webex (SOURCE=webex, same token) and sees the
 * same org. Without the token the simulator answers 401, as Webex would.
 */
class SharedSimulatorTest {
  private static final String TOKEN = "local-dev-token";
  private final Vertx vertx = Vertx.vertx();
  private final WebClient http = WebClient.create(vertx);

  @AfterEach
  void stop() {
    Await.result(vertx.close());
  }

  @Test
  void aSecondInstancePollsTheFirstInstancesSimulatorWithTheSharedToken() {
    MainVerticle first = deploy(base().with(Setting.WEBEX_TOKEN, TOKEN));
    String upstream = "http://127.0.0.1:" + first.simulatorPort() + "/v1";
    assertThat(Await.result(http.getAbs(upstream + "/people").send()).statusCode()).isEqualTo(401);
    assertThat(Await.result(http.getAbs(upstream + "/people").bearerTokenAuthentication(TOKEN).send()).statusCode())
        .isEqualTo(200);

    MainVerticle second = deploy(base().with(Setting.SOURCE, "webex").with(Setting.WEBEX_BASE_URL, upstream)
        .with(Setting.WEBEX_TOKEN, TOKEN).with(Setting.WEBEX_WATCH, "org"));
    Await.until("both instances have polled the one simulator", Duration.ofSeconds(20),
        () -> !ids(first.httpPort()).isEmpty() && ids(second.httpPort()).equals(ids(first.httpPort())));
  }

  private static RawSettings base() {
    return RawSettings.defaults().with(Setting.HTTP_HOST, "127.0.0.1").with(Setting.HTTP_PORT, "0")
        .with(Setting.SIMULATOR_PORT, "0").with(Setting.SIMULATOR_PEOPLE, "6")
        .with(Setting.SIMULATOR_CHANGE_INTERVAL_MS, "0").with(Setting.POLL_INTERVAL_MS, "200");
  }

  private MainVerticle deploy(RawSettings settings) {
    MainVerticle gateway = new MainVerticle(GatewayConfig.from(settings));
    Await.result(vertx.deployVerticle(gateway));
    return gateway;
  }

  private Set<String> ids(int port) {
    HttpResponse<Buffer> res = Await.result(http.get(port, "127.0.0.1", "/v1/presence").send());
    Set<String> out = new HashSet<>();
    if (res.statusCode() == 200) {
      JsonArray items = res.bodyAsJsonObject().getJsonArray("items");
      items.forEach(i -> out.add(((JsonObject) i).getString("id")));
    }
    return out;
  }
}
