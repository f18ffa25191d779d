package io.presencegateway.webhook;

import io.presencegateway.testsupport.StandardWebhooksJs;
import io.presencegateway.testsupport.StandardWebhooksVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.presencegateway.webhook.WebhookTestSupport.await;
import static io.presencegateway.webhook.WebhookTestSupport.config;
import static io.presencegateway.webhook.WebhookTestSupport.emit;
import static io.presencegateway.webhook.WebhookTestSupport.person;
import static io.presencegateway.webhook.WebhookTestSupport.receiver;
import static io.presencegateway.webhook.WebhookTestSupport.state;
import static io.presencegateway.webhook.WebhookTestSupport.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * PRODUCT.md §5.1: "A receiver using a public Standard Webhooks library must verify it." Real
 * deliveries, captured by local receivers, are verified by the npm package {@code standardwebhooks}
 * ({@link StandardWebhooksJs}: {@code new Webhook(secret).verify(rawBody, headers)}) and by the
 * in-house {@link StandardWebhooksVerifier}: API subscriptions (generated and given secret), a static
 * receiver, a retry, a test send, Unicode-heavy names and messages, and both secrets of a rotation.
 * Wrong secrets and tampered bytes must be refused by the same library, so a pass means something.
 */
@ExtendWith(VertxExtension.class)
class PublicLibrarySignatureTest {

  /**
   * Status messages a receiver must get byte for byte (the envelope of §4 carries no display name, so
   * the message is where Unicode reaches a receiver): accents, CJK, emoji with ZWJ and skin tone, RTL,
   * combining marks, astral-plane letters, JSON escapes, control and line-separator characters.
   */
  private static final String[][] PEOPLE = {
      {"DoNotDisturb", "Zürich → 東京 会議中 🚀 \"q\" \\ ✓ 👩🏽‍💻"},
      {"call", "مرحبا بالعالم — שלום — e\u0301 n\u0303 ﬁ"},
      {"meeting", "line1\nline2\ttab \u2028 \u2029 \u0007 bell"},
      {"presenting", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝄞 🇨🇭 🏳️‍🌈 ∑∞≠ ½ ¥€£ 〈〉 «»"},
      {"active", ""},
  };

  @Test
  void realDeliveriesVerifyWithThePublicStandardWebhooksLibrary(Vertx vertx) throws Exception {
    FakeReceiver generatedRx = await(FakeReceiver.start(vertx));
    FakeReceiver givenRx = await(FakeReceiver.start(vertx));
    FakeReceiver staticRx = await(FakeReceiver.start(vertx));
    // the first attempt to the subscription with a given secret fails once: its retry is signed anew
    givenRx.answer((req, r, i) -> req.response().setStatusCode(i == 0 ? 503 : 200).end());
    String staticSecret = WebhookSigner.generateSecret();
    String givenSecret = WebhookSigner.generateSecret();
    SubscriptionApiTest.Api api = SubscriptionApiTest.start(vertx,
        config(new JsonArray().add(receiver(staticRx.url(), staticSecret))));

    JsonObject generated = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", generatedRx.url()))
        .bodyAsJsonObject();
    String generatedSecret = generated.getString("secret");
    assertThat(generatedSecret).startsWith("whsec_");
    api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", givenRx.url())
        .put("secret", givenSecret));

    List<String> people = new ArrayList<>();
    for (String[] p : PEOPLE) {
      String id = person();
      people.add(id);
      emit(api.store(), state(id, p[0], p[1]));
      if (people.size() == 1) {
        // the retry of the first event lands before any newer state could supersede it
        until(vertx, 5_000, "the first event's retry", () -> givenRx.received.size() == 2);
      }
    }
    // every one-person event delivered before the next change of the same people: queued together,
    // the newer state would rightly supersede the older one (latest state wins)
    until(vertx, 10_000, "every one-person event at the three receivers", () -> generatedRx.received.size() == PEOPLE.length
        && givenRx.received.size() == PEOPLE.length + 1 && staticRx.received.size() == PEOPLE.length);
    // one event holding two people
    emit(api.store(), state(people.get(0), "active", "zurück 🔙"), state(people.get(1), "inactive", "帰宅"));
    int events = PEOPLE.length + 1;
    until(vertx, 10_000, "every event at the three receivers (and one retry)", () -> generatedRx.received.size() == events
        && givenRx.received.size() == events + 1 && staticRx.received.size() == events);
    assertThat(api.call("POST", "/v1/subscriptions/" + generated.getString("id") + "/test", null)
        .bodyAsJsonObject().getBoolean("succeeded")).isTrue();
    until(vertx, 5_000, "the test send", () -> generatedRx.received.size() == events + 1);

    List<StandardWebhooksJs.Case> cases = new ArrayList<>();
    List<FakeReceiver.Received> captured = new ArrayList<>();
    for (FakeReceiver.Received r : generatedRx.received) {
      cases.add(caseOf(generatedSecret, r));
      captured.add(r);
    }
    for (FakeReceiver.Received r : givenRx.received) {
      cases.add(caseOf(givenSecret, r));
      captured.add(r);
    }
    for (FakeReceiver.Received r : staticRx.received) {
      cases.add(caseOf(staticSecret, r));
      captured.add(r);
    }
    List<StandardWebhooksJs.Result> results = StandardWebhooksJs.verify(cases);
    for (int i = 0; i < cases.size(); i++) {
      FakeReceiver.Received r = captured.get(i);
      assertThat(results.get(i).verified()).as("delivery %s: %s", r.id(), results.get(i).error()).isTrue();
      // what the library hands the receiver is the JSON that was sent, Unicode intact
      assertThat(results.get(i).payload()).isEqualTo(new JsonObject(r.text()));
      inHouse(cases.get(i).secret(), r);
    }

    // the retry: same webhook-id, its own timestamp and signature, verified above like the rest
    assertThat(givenRx.received.get(0).id()).isEqualTo(givenRx.received.get(1).id());

    // every message arrived exactly as set
    List<String> seen = new ArrayList<>();
    for (FakeReceiver.Received r : generatedRx.received) {
      JsonArray items = new JsonObject(r.text()).getJsonArray("items");
      for (int i = 0; items != null && i < items.size(); i++) {
        seen.add(items.getJsonObject(i).getString("statusMessage"));
      }
    }
    for (String[] p : PEOPLE) {
      assertThat(seen).contains(p[1]);
    }
    // multi-byte UTF-8 on the wire is what is signed (astral-plane characters go out as JSON surrogate escapes, also valid)
    assertThat(staticRx.received.get(0).text()).contains("Zürich → 東京 会議中");

    // negative controls, judged by the same library: wrong secret, one byte changed, other id, other time
    FakeReceiver.Received sample = generatedRx.received.get(0);
    byte[] tampered = sample.body().clone();
    tampered[tampered.length / 2] ^= 0x01;
    Map<String, String> otherId = headers(sample);
    otherId.put("webhook-id", sample.id() + "0");
    Map<String, String> otherTime = headers(sample);
    otherTime.put("webhook-timestamp", Long.toString(Long.parseLong(sample.headers().get("webhook-timestamp")) + 1));
    List<StandardWebhooksJs.Result> refused = StandardWebhooksJs.verify(List.of(
        caseOf(givenSecret, sample),
        new StandardWebhooksJs.Case(generatedSecret, headers(sample), tampered),
        new StandardWebhooksJs.Case(generatedSecret, otherId, sample.body()),
        new StandardWebhooksJs.Case(generatedSecret, otherTime, sample.body())));
    assertThat(refused).allSatisfy(r -> {
      assertThat(r.verified()).isFalse();
      assertThat(r.error()).contains("WebhookVerificationError");
    });
  }

  @Test
  void duringASecretRotationBothSecretsVerifyWithThePublicLibrary(Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    SubscriptionApiTest.Api api = SubscriptionApiTest.start(vertx, config(new JsonArray()));
    JsonObject created = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", rx.url())).bodyAsJsonObject();
    String id = created.getString("id");
    String oldSecret = created.getString("secret");

    String p = person();
    emit(api.store(), state(p, "meeting", "before the rotation — 回転前"));
    until(vertx, 5_000, "the delivery before the rotation", () -> rx.received.size() == 1);

    JsonObject rotated = api.call("POST", "/v1/subscriptions/" + id + "/rotate-secret", new JsonObject().put("overlapSeconds", 3600))
        .bodyAsJsonObject();
    String newSecret = rotated.getString("secret");
    assertThat(newSecret).startsWith("whsec_").isNotEqualTo(oldSecret);

    emit(api.store(), state(p, "DoNotDisturb", "während der Rotation 🔑🔄 — 回転中"));
    emit(api.store(), state(person(), "call", "二つ目 ✌️"));
    until(vertx, 5_000, "the deliveries during the overlap", () -> rx.received.size() == 3);

    // a second rotation with no overlap: only its secret signs from now on
    String finalSecret = WebhookSigner.generateSecret();
    assertThat(api.call("POST", "/v1/subscriptions/" + id + "/rotate-secret", new JsonObject().put("secret", finalSecret)
        .put("overlapSeconds", 0)).statusCode()).isEqualTo(200);
    emit(api.store(), state(p, "active", "nach der Rotation ✅"));
    until(vertx, 5_000, "the delivery after the overlap", () -> rx.received.size() == 4);

    FakeReceiver.Received before = rx.received.get(0);
    FakeReceiver.Received after = rx.received.get(3);
    List<FakeReceiver.Received> during = rx.received.subList(1, 3);
    for (FakeReceiver.Received r : during) {
      assertThat(r.headers().get("webhook-signature").split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
    }
    assertThat(before.headers().get("webhook-signature").split(" ")).hasSize(1);
    assertThat(after.headers().get("webhook-signature").split(" ")).hasSize(1);

    List<StandardWebhooksJs.Case> cases = new ArrayList<>();
    cases.add(caseOf(oldSecret, before));                 // 0: verified
    for (FakeReceiver.Received r : during) {
      cases.add(caseOf(oldSecret, r));                    // 1, 3: receivers not yet switched
      cases.add(caseOf(newSecret, r));                    // 2, 4: receivers already switched
    }
    cases.add(caseOf(finalSecret, after));                // 5: verified
    cases.add(caseOf(newSecret, after));                  // 6: the replaced secret no longer signs
    cases.add(caseOf(WebhookSigner.generateSecret(), during.get(0))); // 7: a stranger's secret never verifies
    List<StandardWebhooksJs.Result> results = StandardWebhooksJs.verify(cases);
    for (int i = 0; i <= 5; i++) {
      assertThat(results.get(i).verified()).as("case %d: %s", i, results.get(i).error()).isTrue();
      inHouse(cases.get(i).secret(), i == 0 ? before : i == 5 ? after : during.get((i - 1) / 2));
    }
    assertThat(results.get(6).verified()).as("replaced secret after the overlap").isFalse();
    assertThat(results.get(7).verified()).as("unrelated secret").isFalse();
    assertThat(new JsonObject(during.get(0).text()).getJsonArray("items").getJsonObject(0).getString("statusMessage"))
        .isEqualTo("während der Rotation 🔑🔄 — 回転中");
  }

  /** Every header as received (lower-case names, repeated ones joined as HTTP allows). */
  private static Map<String, String> headers(FakeReceiver.Received r) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : r.headers().names()) {
      out.put(name.toLowerCase(java.util.Locale.ROOT), String.join(", ", r.headers().getAll(name)));
    }
    return out;
  }

  private static StandardWebhooksJs.Case caseOf(String secret, FakeReceiver.Received r) {
    return new StandardWebhooksJs.Case(secret, headers(r), r.body());
  }

  private static void inHouse(String secret, FakeReceiver.Received r) {
    new StandardWebhooksVerifier(secret).verify(r.id(), r.headers().get("webhook-timestamp"),
        r.headers().get("webhook-signature"), r.body(), Instant.now().getEpochSecond());
  }
}
