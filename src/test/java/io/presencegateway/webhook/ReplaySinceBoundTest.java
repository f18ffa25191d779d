package io.presencegateway.webhook;

import io.presencegateway.event.EventId;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.store.WebhookStores;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Instant;
import java.util.List;

import static io.presencegateway.webhook.WebhookTestSupport.await;
import static io.presencegateway.webhook.WebhookTestSupport.config;
import static io.presencegateway.webhook.WebhookTestSupport.emit;
import static io.presencegateway.webhook.WebhookTestSupport.person;
import static io.presencegateway.webhook.WebhookTestSupport.quietFor;
import static io.presencegateway.webhook.WebhookTestSupport.state;
import static io.presencegateway.webhook.WebhookTestSupport.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/subscriptions/{id}/replay {"since": …}} reads at most 20 pages of 1,000 events per
 * call. It used to stop there and answer {@code {"queued": n}} as if it had replayed everything; now
 * the answer says {@code "truncated": true} with the {@code nextSince} to go on from, and the calls
 * together queue every event once: none missed, none twice.
 */
@ExtendWith(VertxExtension.class)
class ReplaySinceBoundTest {
  private static final int BOUND = 20 * 1000;
  private static final int FILLER = BOUND; // with the events around them: more than one call replays

  @Test
  void aReplaySinceBeyondTheBoundSaysTruncatedAndTheNextCallGoesOnWithNothingMissedOrRepeated(Vertx vertx) throws Exception {
    FakeReceiver sentinelRx = await(FakeReceiver.start(vertx));
    FakeReceiver filteredRx = await(FakeReceiver.start(vertx));
    FakeReceiver allRx = await(FakeReceiver.start(vertx));
    MemoryPresenceStore store = new MemoryPresenceStore(vertx, BOUND + 10_000);
    SubscriptionApiTest.Api api = SubscriptionApiTest.start(vertx, config(new JsonArray()),
        new WebhookTestSupport.Stores(store, WebhookStores.memory()));
    String a = person();
    String b = person();
    String c = person();
    api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", sentinelRx.url()).put("ids", new JsonArray().add(c)));

    Instant since = Instant.now();
    PresenceEvent b1 = emit(store, state(b, "meeting", "first"));
    for (int i = 0; i < FILLER; i++) {
      emit(store, state(a, i % 2 == 0 ? "active" : "call", "filler " + i));
    }
    PresenceEvent b2 = emit(store, state(b, "call", "second"));
    PresenceEvent sentinel = emit(store, state(c, "active", "sentinel"));
    int total = FILLER + 3;
    // the webhook verticle has turned every event into jobs (for the subscriptions of then) once the last one arrives
    until(vertx, 60_000, "the sentinel delivered", () -> sentinelRx.received.stream().anyMatch(r -> r.id().equals(sentinel.id())));

    // subscriptions made after the events: only a replay gets the events to them
    String filtered = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", filteredRx.url())
        .put("ids", new JsonArray().add(b))).bodyAsJsonObject().getString("id");
    String all = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", allRx.url()))
        .bodyAsJsonObject().getString("id");

    JsonObject first = replaySince(api, filtered, since.toString());
    assertThat(first.getBoolean("truncated")).as("first call %s", first).isTrue();
    assertThat(first.getInteger("queued")).isEqualTo(1); // b1; b2 is beyond the bound
    Instant next = Instant.parse(first.getString("nextSince"));
    assertThat(next).isAfter(since);
    until(vertx, 10_000, "b1 delivered", () -> filteredRx.received.size() == 1);
    assertThat(filteredRx.received.get(0).id()).isEqualTo(b1.id());

    JsonObject second = replaySince(api, filtered, first.getString("nextSince"));
    assertThat(second).isEqualTo(new JsonObject().put("queued", 1).put("truncated", false));
    until(vertx, 10_000, "b2 delivered", () -> filteredRx.received.size() == 2);
    assertThat(filteredRx.received.get(1).id()).isEqualTo(b2.id());

    // every event of the log, counted on a subscription that wants them all: each queued once over the calls
    JsonObject allFirst = replaySince(api, all, since.toString());
    assertThat(allFirst.getBoolean("truncated")).isTrue();
    assertThat(allFirst.getInteger("queued")).isLessThanOrEqualTo(BOUND).isGreaterThan(BOUND - 1000);
    assertThat(allFirst.getString("nextSince")).isEqualTo(first.getString("nextSince"));
    JsonObject allSecond = replaySince(api, all, allFirst.getString("nextSince"));
    assertThat(allSecond.getBoolean("truncated")).isFalse();
    assertThat(allSecond.containsKey("nextSince")).isFalse();
    assertThat(allFirst.getInteger("queued") + allSecond.getInteger("queued")).isEqualTo(total);

    // a replay within the bound is not truncated
    JsonObject small = replaySince(api, filtered, Instant.ofEpochMilli(Long.parseLong(b2.id().split("-")[0])).toString());
    assertThat(small).isEqualTo(new JsonObject().put("queued", 1).put("truncated", false));
    until(vertx, 10_000, "b2 again", () -> filteredRx.received.size() == 3);
    quietFor(vertx, 200);
    assertThat(filteredRx.received).extracting(FakeReceiver.Received::id).containsExactly(b1.id(), b2.id(), b2.id());
    // the receiver that wants everything ends on the newest state of each person, never an older after a newer
    until(vertx, 30_000, "the newest states at the catch-all receiver", () -> allRx.received.stream()
        .anyMatch(r -> r.text().contains("\"filler " + (FILLER - 1) + "\"")) && allRx.received.stream()
        .anyMatch(r -> r.id().equals(sentinel.id())) && allRx.received.stream().anyMatch(r -> r.id().equals(b2.id())));
    List<EventId> ofA = allRx.received.stream().filter(r -> r.text().contains("\"filler "))
        .map(r -> EventId.parse(r.id()).orElseThrow()).toList();
    assertThat(ofA).isSorted().doesNotHaveDuplicates();
  }

  private static JsonObject replaySince(SubscriptionApiTest.Api api, String id, String since) throws Exception {
    var r = api.call("POST", "/v1/subscriptions/" + id + "/replay", new JsonObject().put("since", since));
    assertThat(r.statusCode()).isEqualTo(202);
    return r.bodyAsJsonObject();
  }
}
