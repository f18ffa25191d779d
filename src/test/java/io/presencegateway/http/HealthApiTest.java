package io.presencegateway.http;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.RawSettings;
import io.presencegateway.config.Setting;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;

import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class HealthApiTest {
  private static final GatewayConfig CONFIG = GatewayConfig.from(RawSettings.defaults().with(Setting.POLL_INTERVAL_MS, "1000")
      .with(Setting.WEBEX_TIMEOUT_MS, "2000"));

  private static HealthApi api(Vertx vertx, PollStatus poll) {
    return new HealthApi(vertx, new GatewayServices(CONFIG, new MemoryPresenceStore(vertx, 100), poll));
  }

  @Test
  void aStandbyInstanceIsReadyWithoutCycles(Vertx vertx) {
    assertThat(api(vertx, new PollStatus()).pollerStatus(new PollStatus(), Instant.now()).isOk()).isTrue();
  }

  @Test
  void thePollerIsNotReadyWhenItsLastSuccessIsOlderThanThreeIntervalsPlusTimeout(Vertx vertx) {
    PollStatus poll = new PollStatus();
    poll.leader(true);
    Instant now = Instant.now();
    poll.succeeded(now.minusMillis(4_900), 5);
    assertThat(api(vertx, poll).pollerStatus(poll, now).isOk()).as("3 x 1 s + 2 s = 5 s bound").isTrue();
    poll.succeeded(now.minusMillis(5_100), 5);
    Status late = api(vertx, poll).pollerStatus(poll, now);
    assertThat(late.isOk()).isFalse();
    assertThat(late.getData().getString("error")).contains("5000 ms");
  }

  @Test
  void anUnauthorizedPollerIsNotReady(Vertx vertx) {
    PollStatus poll = new PollStatus();
    poll.leader(true);
    poll.succeeded(Instant.now(), 5);
    poll.failed("401 from Webex", true);
    assertThat(api(vertx, poll).pollerStatus(poll, Instant.now()).isOk()).isFalse();
  }

  @Test
  void liveAndReadyAnswerOverHttp(Vertx vertx) {
    PollStatus poll = new PollStatus();
    Router router = Router.router(vertx);
    api(vertx, poll).mount(router);
    int port = result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).actualPort();
    WebClient client = WebClient.create(vertx);

    assertThat(result(client.get(port, "127.0.0.1", "/health/live").send()).statusCode()).isEqualTo(200);
    var ready = result(client.get(port, "127.0.0.1", "/health/ready").send());
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.bodyAsJsonObject().getString("status")).isEqualTo("UP");

    poll.leader(true);
    poll.failed("401 from Webex", true);
    var down = result(client.get(port, "127.0.0.1", "/health/ready").send());
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(down.bodyAsString()).contains("401");
  }
}
