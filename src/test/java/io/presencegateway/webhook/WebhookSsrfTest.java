package io.presencegateway.webhook;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.ConfigException;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.RawSettings;
import io.presencegateway.config.Setting;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static io.presencegateway.webhook.WebhookTestSupport.await;
import static io.presencegateway.webhook.WebhookTestSupport.emit;
import static io.presencegateway.webhook.WebhookTestSupport.person;
import static io.presencegateway.webhook.WebhookTestSupport.receiver;
import static io.presencegateway.webhook.WebhookTestSupport.state;
import static io.presencegateway.webhook.WebhookTestSupport.store;
import static io.presencegateway.webhook.WebhookTestSupport.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** The SSRF guard inside the delivery path: refused at start, refused again at connect time. */
@ExtendWith(VertxExtension.class)
class WebhookSsrfTest {

  /** Every spelling of "this machine" pointing at a live receiver: the gateway refuses to start, nothing is sent. */
  @Test
  void loopbackTargetsInAnySpellingStopTheStartAndAreNeverContacted(Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    int port = rx.port();
    List<String> hostile = List.of("127.0.0.1", "localhost", "LocalHost.", "127.0.0.2", "127.1", "2130706433", "017700000001",
        "0x7f000001", "0177.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::]", "0.0.0.0");
    for (String host : hostile) {
      String url = "http://" + host + ":" + port + "/hook";
      String message = startFailure(vertx, url);
      assertThat(message).as(url).contains("WEBHOOK");
      assertThat(message).as("one line").doesNotContain("\n");
    }
    assertThat(rx.received).isEmpty();
  }

  @Test
  void theStartErrorNamesTheSettingTheHostAndTheWayOut(Vertx vertx) {
    String message = startFailure(vertx, "http://169.254.169.254/latest/meta-data/");
    assertThat(message).startsWith("WEBHOOK_URL/WEBHOOKS: target refused: host '169.254.169.254' is cloud metadata")
        .contains("WEBHOOK_ALLOW_PRIVATE_TARGETS=true");
  }

  /** DNS rebinding: public at start, loopback at delivery time: the delivery is refused and nothing arrives. */
  @Test
  void aNameThatTurnsPrivateAfterTheStartIsRefusedAtConnectTime(Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    AtomicInteger lookups = new AtomicInteger();
    TargetGuard guard = new TargetGuard(false, host -> new InetAddress[] {
        InetAddress.getByName(lookups.getAndIncrement() == 0 ? "93.184.216.34" : "127.0.0.1")});
    GatewayConfig config = strictConfig("http://rebind.test:" + rx.port() + "/hook");
    MemoryPresenceStore store = store(vertx);
    WebhookVerticle v = new WebhookVerticle(new GatewayServices(config, store, new PollStatus()), guard);
    await(vertx.deployVerticle(v));

    emit(store, state(person(), "call", ""));
    until(vertx, 5_000, "all attempts refused", () -> v.deliveryLog().all().size() == 3);

    assertThat(v.deliveryLog().all()).allSatisfy(a -> assertThat(a.error()).startsWith("refused:").contains("127.0.0.1"));
    assertThat(lookups.get()).isEqualTo(4); // once at start, once per attempt
    assertThat(rx.received).isEmpty();
  }

  /** The checked address is the one connected to: a name that resolves to the receiver's IP reaches it with its own Host. */
  @Test
  void theSenderConnectsToTheCheckedAddressWithTheOriginalHostHeader(Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    TargetGuard guard = new TargetGuard(true, host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")});
    GatewayConfig config = WebhookTestSupport.config(new JsonArray().add(
        receiver("http://hooks.example.test:" + rx.port() + "/hook", WebhookSigner.generateSecret())));
    MemoryPresenceStore store = store(vertx);
    await(vertx.deployVerticle(new WebhookVerticle(new GatewayServices(config, store, new PollStatus()), guard)));

    emit(store, state(person(), "call", ""));
    until(vertx, 5_000, "delivery", () -> rx.received.size() == 1);

    assertThat(rx.received.get(0).headers().get("Host")).isEqualTo("hooks.example.test:" + rx.port());
  }

  private static String startFailure(Vertx vertx, String url) {
    GatewayConfig config;
    try {
      config = strictConfig(url);
    } catch (ConfigException e) {
      return e.getMessage(); // refused already while parsing the URL
    }
    MemoryPresenceStore store = new MemoryPresenceStore(vertx, 100);
    try {
      await(vertx.deployVerticle(new WebhookVerticle(new GatewayServices(config, store, new PollStatus()))));
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ConfigException.class);
      return e.getCause().getMessage();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    return fail("the webhook verticle started with target " + url);
  }

  private static GatewayConfig strictConfig(String url) {
    return GatewayConfig.from(RawSettings.defaults()
        .with(Setting.WEBHOOK_URL, url)
        .with(Setting.WEBHOOK_SECRET, WebhookSigner.generateSecret())
        .with(Setting.WEBHOOK_RETRY_SCHEDULE, "50ms,50ms"));
  }
}
