package io.presencegateway.http;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.RawSettings;
import io.presencegateway.config.Setting;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.presencegateway.testsupport.Await.result;
import static io.presencegateway.testsupport.Await.until;
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
  void aPollerThrottledForLongerThanTheBoundIsNotReadyAndOneThrottledBrieflyIs(Vertx vertx) {
    PollStatus poll = new PollStatus();
    poll.leader(true);
    Instant now = Instant.now();
    poll.succeeded(now, 5);
    poll.throttledUntil(now.plusMillis(4_000));
    Status brief = api(vertx, poll).pollerStatus(poll, now);
    assertThat(brief.isOk()).as("4 s of Retry-After is within the 3 x 1 s + 2 s bound").isTrue();
    assertThat(brief.getData().getBoolean("throttled")).isTrue();
    assertThat(brief.getData().getString("throttledUntil")).isEqualTo(now.plusMillis(4_000).toString());

    poll.throttledUntil(now.plusMillis(6_000));
    Status throttled = api(vertx, poll).pollerStatus(poll, now);
    assertThat(throttled.isOk()).isFalse();
    assertThat(throttled.getData().getString("error")).contains("throttles us").contains("5000 ms");
  }

  @Test
  void aStandbyIsReadyAndSaysWhoHoldsTheLease(Vertx vertx) {
    MemoryPresenceStore store = new MemoryPresenceStore(vertx, 100);
    result(store.acquireLease("gateway-b", Duration.ofSeconds(30)));
    PollStatus poll = new PollStatus(); // never took the lease: standby
    Router router = Router.router(vertx);
    new HealthApi(vertx, new GatewayServices(CONFIG, store, poll)).mount(router);
    int port = result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")).actualPort();

    var ready = result(WebClient.create(vertx).get(port, "127.0.0.1", "/health/ready").send());
    assertThat(ready.statusCode()).isEqualTo(200);
    JsonObject poller = ready.bodyAsJsonObject().getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("id").equals("poller")).findFirst().orElseThrow();
    assertThat(poller.getString("status")).isEqualTo("UP");
    assertThat(poller.getJsonObject("data").getString("role")).isEqualTo("standby");
    assertThat(poller.getJsonObject("data").getString("leaseHolder")).isEqualTo("gateway-b");
  }

  /**
   * One event loop (not the server's) is blocked in this test: live turns 503 naming the stuck loop
   * count, and 200 again once it runs. The requests go through the JDK's client, which has no
   * Vert.x event loop that could be the blocked one.
   */
  @Test
  void liveIs503WhileAnEventLoopIsBlockedAnd200OnceItRunsAgain(Vertx vertx) throws Exception {
    ContextInternal serverContext = ((VertxInternal) vertx).createEventLoopContext();
    Router router = Router.router(vertx);
    api(vertx, new PollStatus()).mount(router);
    AtomicReference<Integer> port = new AtomicReference<>();
    serverContext.runOnContext(v -> vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .onSuccess(s -> port.set(s.actualPort())));
    until("the server listening", Duration.ofSeconds(10), () -> port.get() != null);
    HttpClient jdk = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest live = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port.get() + "/health/live"))
        .timeout(Duration.ofSeconds(5)).build();
    assertThat(jdk.send(live, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

    EventExecutor victim = null;
    for (EventExecutor loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      if (loop != serverContext.nettyEventLoop()) {
        victim = loop;
        break;
      }
    }
    assertThat(victim).as("more than one event loop").isNotNull();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    victim.execute(() -> {
      blocked.countDown();
      try {
        release.await(30, TimeUnit.SECONDS); // blocks this event loop on purpose (test only)
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try {
      assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
      HttpResponse<String> down = jdk.send(live, HttpResponse.BodyHandlers.ofString());
      assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
      assertThat(down.body()).contains("event loops did not run a task within " + EventLoopProbe.BOUND_MS + " ms");
    } finally {
      release.countDown();
    }
    until("live again once the loop runs", Duration.ofSeconds(10), () -> {
      try {
        return jdk.send(live, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
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
