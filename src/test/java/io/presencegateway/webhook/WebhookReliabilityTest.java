package io.presencegateway.webhook;

import io.presencegateway.event.PresenceEvent;
import io.presencegateway.webhook.WebhookTestSupport.Backend;
import io.presencegateway.webhook.WebhookTestSupport.Stores;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static io.presencegateway.webhook.WebhookTestSupport.await;
import static io.presencegateway.webhook.WebhookTestSupport.config;
import static io.presencegateway.webhook.WebhookTestSupport.deploy;
import static io.presencegateway.webhook.WebhookTestSupport.emit;
import static io.presencegateway.webhook.WebhookTestSupport.person;
import static io.presencegateway.webhook.WebhookTestSupport.receiver;
import static io.presencegateway.webhook.WebhookTestSupport.state;
import static io.presencegateway.webhook.WebhookTestSupport.store;
import static io.presencegateway.webhook.WebhookTestSupport.stores;
import static io.presencegateway.webhook.WebhookTestSupport.until;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class WebhookReliabilityTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void aReceiverFailingOneRequestInFiveStillGetsEveryOneOfAThousandEvents(Backend backend, Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    Random random = new Random(7);
    Set<String> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    rx.answer((req, r, i) -> {
      boolean fail;
      synchronized (random) {
        fail = random.nextInt(5) == 0;
      }
      if (!fail) {
        acked.add(r.id());
      }
      req.response().setStatusCode(fail ? 500 : 200).end();
    });
    Stores stores = stores(vertx, backend);
    await(deploy(vertx, config(new JsonArray().add(receiver(rx.url(), WebhookSigner.generateSecret())),
        io.presencegateway.config.Setting.WEBHOOK_RETRY_SCHEDULE, "20ms,20ms,20ms,20ms,20ms,20ms,20ms,20ms"), stores));

    Map<String, PresenceEvent> sent = new HashMap<>();
    for (int i = 0; i < 1000; i++) { // one person each: nothing may be superseded, everything must arrive
      PresenceEvent e = emit(stores.presence(), state(person(), i % 2 == 0 ? "call" : "meeting", "n" + i));
      sent.put(e.id(), e);
    }
    until(vertx, 90_000, "every event acknowledged by the receiver", () -> acked.size() == 1000);

    assertThat(acked).isEqualTo(sent.keySet());
    Set<String> seen = new HashSet<>();
    for (FakeReceiver.Received r : rx.received) {
      PresenceEvent e = sent.get(r.id());
      assertThat(e).as("webhook-id %s is an event id", r.id()).isNotNull();
      assertThat(r.body()).as("a repeat carries the same bytes").isEqualTo(e.envelope().getBytes());
      seen.add(r.id());
    }
    assertThat(seen).hasSize(1000);
    assertThat(rx.received.size()).isGreaterThan(1000); // the failures were retried
  }

  @Test
  void aTlsErrorAndATimeoutAreRecordedFailuresAndOthersCarryOn(Vertx vertx) throws Exception {
    SelfSignedCertificate cert = SelfSignedCertificate.create("localhost");
    AtomicInteger tlsRequests = new AtomicInteger();
    HttpServer tls = await(vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(cert.keyCertOptions()))
        .requestHandler(req -> {
          tlsRequests.incrementAndGet();
          req.response().end();
        }).listen(0, "127.0.0.1"));
    FakeReceiver silent = await(FakeReceiver.start(vertx));
    silent.answer((req, r, i) -> { });
    FakeReceiver healthy = await(FakeReceiver.start(vertx));
    MemoryPresenceStore store = store(vertx);
    JsonArray receivers = new JsonArray()
        .add(receiver("https://127.0.0.1:" + tls.actualPort() + "/hook", WebhookSigner.generateSecret()))
        .add(receiver(silent.url(), WebhookSigner.generateSecret()))
        .add(receiver(healthy.url(), WebhookSigner.generateSecret()));
    WebhookVerticle v = await(deploy(vertx, config(receivers, io.presencegateway.config.Setting.WEBHOOK_TIMEOUT_MS, "1000",
        io.presencegateway.config.Setting.WEBHOOK_RETRY_SCHEDULE, "50ms"), store));

    emit(store, state(person(), "call", ""));
    emit(store, state(person(), "meeting", ""));
    until(vertx, 10_000, "both attempts of both failing receivers, healthy done", () ->
        v.deliveryLog().forReceiver("static-0").size() == 4 && v.deliveryLog().forReceiver("static-1").size() == 4
            && v.deliveryLog().forReceiver("static-2").stream().filter(DeliveryAttempt::succeeded).count() == 2);

    List<DeliveryAttempt> tlsLog = v.deliveryLog().forReceiver("static-0");
    assertThat(tlsLog).noneMatch(DeliveryAttempt::succeeded).allMatch(a -> a.statusCode() == 0)
        .anySatisfy(a -> assertThat(a.error()).contains("SSL"));
    assertThat(tlsRequests.get()).isZero(); // the handshake failed: no request was ever made
    assertThat(v.deliveryLog().forReceiver("static-1")).allSatisfy(a -> assertThat(a.error()).contains("timeout"));
    // a cold JVM on a loaded machine may time out a first attempt to the healthy one too; both events arrive all the same
    assertThat(healthy.received.stream().map(FakeReceiver.Received::id).distinct()).hasSize(2);
  }
}
