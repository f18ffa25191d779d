package io.presencegateway.webhook;

import io.presencegateway.config.Setting;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.testsupport.Await;
import io.presencegateway.webhook.WebhookTestSupport.Backend;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static io.presencegateway.webhook.WebhookTestSupport.await;
import static io.presencegateway.webhook.WebhookTestSupport.config;
import static io.presencegateway.webhook.WebhookTestSupport.emit;
import static io.presencegateway.webhook.WebhookTestSupport.person;
import static io.presencegateway.webhook.WebhookTestSupport.quietFor;
import static io.presencegateway.webhook.WebhookTestSupport.state;
import static io.presencegateway.webhook.WebhookTestSupport.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PRODUCT.md §5.1 / issue 5: "a subscription failing continuously for a configurable period is
 * disabled" ({@code WEBHOOK_DISABLE_AFTER}, here 1 s with a 200 ms retry schedule), seen through the
 * API, with no attempts after it, and {@code PATCH {"enabled": true}} bringing it back. On both stores:
 * with Redis the switch-off is a compare-and-set on the stored subscription. Conditions that call the
 * API are polled from the test thread ({@link Await#until}), never on an event loop.
 */
@ExtendWith(VertxExtension.class)
class WebhookAutoDisableTest {
  private static final long DISABLE_AFTER_MS = 1_000;

  private static SubscriptionApiTest.Api start(Vertx vertx, Backend backend) throws Exception {
    return SubscriptionApiTest.start(vertx, config(new JsonArray(),
        Setting.WEBHOOK_DISABLE_AFTER, DISABLE_AFTER_MS / 1000 + "s",
        // 20 retries ~200 ms apart: the schedule outlasts the disable period several times over
        Setting.WEBHOOK_RETRY_SCHEDULE, String.join(",", java.util.Collections.nCopies(20, "200ms")),
        Setting.WEBHOOK_TIMEOUT_MS, "5000"),
        WebhookTestSupport.stores(vertx, backend));
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void aReceiverFailingLongerThanTheDisablePeriodIsDisabledStopsGettingAttemptsAndCanBeReEnabled(Backend backend, Vertx vertx)
      throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    rx.answer((req, r, i) -> req.response().setStatusCode(500).end());
    SubscriptionApiTest.Api api = start(vertx, backend);
    String id = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", rx.url())).bodyAsJsonObject().getString("id");

    PresenceEvent failing = emit(api.store(), state(person(), "meeting", "never gets through"));
    Await.until("the subscription disabled through the API", Duration.ofMillis(15_000), () -> !get(api, id).getBoolean("enabled"));

    JsonObject disabled = get(api, id);
    assertThat(disabled.getString("disabledReason")).startsWith("failing without a success since ");
    Instant since = Instant.parse(disabled.getString("failingSince"));
    assertThat(disabled.getString("disabledReason")).endsWith(since.toString());
    // not before the period: the attempts it took span at least WEBHOOK_DISABLE_AFTER
    long first = rx.received.get(0).atNanos();
    long last = rx.received.get(rx.received.size() - 1).atNanos();
    assertThat(TimeUnit.NANOSECONDS.toMillis(last - first)).isGreaterThanOrEqualTo(DISABLE_AFTER_MS - 50);
    assertThat(rx.received).hasSizeGreaterThanOrEqualTo(3).allMatch(r -> r.id().equals(failing.id()));
    assertThat(listed(api, id).getBoolean("enabled")).isFalse();

    // no attempt after the switch-off: not the pending retry, not a new event
    int attempts = rx.received.size();
    emit(api.store(), state(person(), "call", "while disabled"));
    quietFor(vertx, 1_500);
    assertThat(rx.received).hasSize(attempts);
    Await.until("the pending retry dead-lettered", Duration.ofMillis(5_000), () -> deadLetters(api, id).size() == 1);
    assertThat(deadLetters(api, id).getJsonObject(0).getString("eventId")).isEqualTo(failing.id());
    assertThat(api.call("POST", "/v1/subscriptions/" + id + "/replay", new JsonObject().put("deadLetters", true)).statusCode())
        .as("replay refused while disabled").isEqualTo(409);

    // the receiver is fixed and the subscription re-enabled through the API
    rx.answer((req, r, i) -> req.response().setStatusCode(204).end());
    var enabled = api.call("PATCH", "/v1/subscriptions/" + id, new JsonObject().put("enabled", true));
    assertThat(enabled.statusCode()).isEqualTo(200);
    assertThat(enabled.bodyAsJsonObject().getBoolean("enabled")).isTrue();
    assertThat(enabled.bodyAsJsonObject().containsKey("disabledReason")).isFalse();
    assertThat(enabled.bodyAsJsonObject().containsKey("failingSince")).as("the failure run starts over").isFalse();

    PresenceEvent after = emit(api.store(), state(person(), "active", "back"));
    until(vertx, 5_000, "a delivery after re-enabling", () -> rx.received.stream().anyMatch(r -> r.id().equals(after.id())));
    var replay = api.call("POST", "/v1/subscriptions/" + id + "/replay", new JsonObject().put("deadLetters", true));
    assertThat(replay.bodyAsJsonObject().getInteger("queued")).isEqualTo(1);
    until(vertx, 5_000, "the dead letter replayed", () -> rx.received.get(rx.received.size() - 1).id().equals(failing.id()));
    assertThat(get(api, id).getBoolean("enabled")).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void aFailureRunShorterThanThePeriodEndsWithASuccessAndDisablesNothing(Backend backend, Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    Promise<Void> release = Promise.promise();
    // two failures, then a success held back until the test has seen the failure run through the API
    rx.answer((req, r, i) -> {
      if (i < 2) {
        req.response().setStatusCode(503).end();
      } else {
        release.future().onComplete(v -> req.response().setStatusCode(200).end());
      }
    });
    SubscriptionApiTest.Api api = start(vertx, backend);
    String id = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", rx.url())).bodyAsJsonObject().getString("id");

    emit(api.store(), state(person(), "meeting", ""));
    until(vertx, 5_000, "the third attempt", () -> rx.received.size() == 3);
    Await.until("a failure run shown", Duration.ofMillis(5_000), () -> get(api, id).containsKey("failingSince"));
    Instant runStart = Instant.parse(get(api, id).getString("failingSince"));
    vertx.runOnContext(v -> release.complete());
    Await.until("the failure run ended by the success", Duration.ofMillis(5_000), () -> !get(api, id).containsKey("failingSince"));
    assertThat(get(api, id).getBoolean("enabled")).isTrue();

    // long after the first run began, a new failure starts a new run from its own time: nothing is disabled
    quietFor(vertx, DISABLE_AFTER_MS + 200);
    Promise<Void> release2 = Promise.promise();
    rx.answer((req, r, i) -> {
      if (i == 3) {
        req.response().setStatusCode(500).end();
      } else {
        release2.future().onComplete(v -> req.response().setStatusCode(200).end());
      }
    });
    emit(api.store(), state(person(), "call", ""));
    until(vertx, 5_000, "the retry after one failure", () -> rx.received.size() == 5);
    JsonObject during = get(api, id);
    assertThat(during.getBoolean("enabled")).as("a new run is not the old one").isTrue();
    assertThat(Instant.parse(during.getString("failingSince"))).isAfter(runStart.plusMillis(DISABLE_AFTER_MS));
    vertx.runOnContext(v -> release2.complete());
    Await.until("no failure run left", Duration.ofMillis(5_000), () -> !get(api, id).containsKey("failingSince"));
    assertThat(get(api, id).getBoolean("enabled")).isTrue();
  }

  private static JsonObject get(SubscriptionApiTest.Api api, String id) {
    try {
      var r = api.call("GET", "/v1/subscriptions/" + id, null);
      assertThat(r.statusCode()).isEqualTo(200);
      return r.bodyAsJsonObject();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonObject listed(SubscriptionApiTest.Api api, String id) throws Exception {
    JsonArray items = api.call("GET", "/v1/subscriptions", null).bodyAsJsonObject().getJsonArray("items");
    for (int i = 0; i < items.size(); i++) {
      if (items.getJsonObject(i).getString("id").equals(id)) {
        return items.getJsonObject(i);
      }
    }
    throw new AssertionError(id + " not listed in " + items.encode());
  }

  private static JsonArray deadLetters(SubscriptionApiTest.Api api, String id) {
    try {
      return api.call("GET", "/v1/subscriptions/" + id + "/deliveries", null).bodyAsJsonObject().getJsonArray("deadLetters");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
