package io.presencegateway.sse;

import io.presencegateway.config.Setting;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.http.ChannelMetrics;
import io.presencegateway.http.Recorder;
import io.presencegateway.http.TestGateway;
import io.presencegateway.store.PresenceStore;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.codec.SseEvent;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.presencegateway.http.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class SseChannelTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String PATH = "/v1/presence/stream";

  @Test
  void headersThenSnapshotThenLiveEvents(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of());
    HttpClient http = vertx.createHttpClient();
    HttpClientResponse head = await(http.request(HttpMethod.GET, gw.port(), "127.0.0.1", PATH).compose(r -> r.send()));
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.getHeader("Content-Type")).startsWith("text/event-stream");
    assertThat(head.getHeader("Cache-Control")).isEqualTo("no-cache");
    assertThat(head.getHeader("X-Accel-Buffering")).isEqualTo("no");
    http.close();

    SseTestClient c = SseTestClient.connect(vertx, gw.port(), PATH);
    SseEvent snapshot = c.events.await(1, WAIT).get(0);
    assertThat(snapshot.event()).isEqualTo("snapshot");
    assertThat(snapshot.id()).isEqualTo(await(gw.services().store().lastEventId()));
    JsonObject envelope = new JsonObject(snapshot.data());
    assertThat(envelope.getString("payload")).isEqualTo("user-presence");
    assertThat(envelope.getJsonArray("items")).hasSize(5);

    PresenceEvent change = gw.change(2, "meeting", "planning");
    SseEvent live = c.events.await(2, WAIT).get(1);
    assertThat(live.event()).isEqualTo("user-presence");
    assertThat(live.id()).isEqualTo(change.id());
    assertThat(live.data()).isEqualTo(change.envelope().toString());
    JsonObject item = new JsonObject(live.data()).getJsonArray("items").getJsonObject(0);
    assertThat(item.getString("id")).isEqualTo(gw.person(2));
    assertThat(item.getString("status")).isEqualTo("meeting");
    c.close();
  }

  @Test
  void idsAndStatusesFilterTheSnapshotAndTheEvents(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of());
    SseTestClient byId = SseTestClient.connect(vertx, gw.port(), PATH + "?ids=" + gw.person(1));
    SseTestClient byStatus = SseTestClient.connect(vertx, gw.port(), PATH + "?statuses=meeting");
    assertThat(new JsonObject(byId.events.await(1, WAIT).get(0).data()).getJsonArray("items")).hasSize(1);
    assertThat(new JsonObject(byStatus.events.await(1, WAIT).get(0).data()).getJsonArray("items")).isEmpty();

    gw.change(0, "meeting", "");
    PresenceEvent mine = gw.change(1, "call", "");
    gw.changeMany(List.of(1, 3), "meeting", "");

    List<SseEvent> idEvents = byId.events.await(3, WAIT);
    assertThat(idEvents.get(1).id()).isEqualTo(mine.id());
    assertThat(itemIds(idEvents.get(2))).containsExactly(gw.person(1));
    List<SseEvent> statusEvents = byStatus.events.await(3, WAIT);
    assertThat(itemIds(statusEvents.get(1))).containsExactly(gw.person(0));
    assertThat(itemIds(statusEvents.get(2))).containsExactlyInAnyOrder(gw.person(1), gw.person(3));
    PresenceEvent last = gw.change(4, "meeting", "");
    assertThat(byId.events.size()).isEqualTo(3);
    assertThat(byStatus.events.await(4, WAIT).get(3).id()).isEqualTo(last.id());
  }

  @Test
  void badFilterIs400JsonBeforeStreaming(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of());
    HttpClient http = vertx.createHttpClient();
    Buffer body = await(http.request(HttpMethod.GET, gw.port(), "127.0.0.1", PATH + "?statuses=not%20a%20word!").compose(q -> q.send())
        .compose(HttpClientResponse::body));
    assertThat(new JsonObject(body).getJsonObject("error").getString("code")).isEqualTo("bad_request");
    HttpClientResponse r = await(http.request(HttpMethod.GET, gw.port(), "127.0.0.1", PATH + "?ids=nope").compose(q -> q.send()));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(gw.metrics().connections(ChannelMetrics.Channel.SSE)).isZero();
  }

  @Test
  void severalClientsEachGetEveryEventOnce(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of());
    List<SseTestClient> clients = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      clients.add(SseTestClient.connect(vertx, gw.port(), PATH));
    }
    for (SseTestClient c : clients) {
      c.events.await(1, WAIT);
    }
    assertThat(gw.metrics().connections(ChannelMetrics.Channel.SSE)).isEqualTo(4);
    PresenceEvent a = gw.change(0, "call", "");
    PresenceEvent b = gw.change(1, "call", "");
    for (SseTestClient c : clients) {
      List<SseEvent> got = c.events.await(3, WAIT);
      assertThat(got.subList(1, 3)).extracting(SseEvent::id).containsExactly(a.id(), b.id());
    }
    clients.forEach(SseTestClient::close);
    Recorder.until(() -> gw.metrics().connections(ChannelMetrics.Channel.SSE) == 0 && gw.metrics().busConsumers() == 0,
        WAIT, "all SSE connections freed");
  }

  @Test
  void resumeReplaysExactlyTheMissedEventsThenLive(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of());
    SseTestClient first = SseTestClient.connect(vertx, gw.port(), PATH);
    first.events.await(1, WAIT);
    PresenceEvent seen = gw.change(0, "call", "");
    assertThat(first.events.await(2, WAIT).get(1).id()).isEqualTo(seen.id());
    first.close();
    Recorder.until(() -> gw.metrics().connections(ChannelMetrics.Channel.SSE) == 0, WAIT, "first client gone");

    List<String> missed = List.of(gw.change(1, "meeting", "").id(), gw.change(2, "meeting", "").id(), gw.change(0, "active", "").id());
    SseTestClient again = SseTestClient.connect(vertx, gw.port(), PATH, Map.of("Last-Event-ID", seen.id()));
    List<SseEvent> replay = again.events.await(3, WAIT);
    assertThat(replay).extracting(SseEvent::event).containsOnly("user-presence");
    assertThat(replay).extracting(SseEvent::id).containsExactlyElementsOf(missed);
    PresenceEvent live = gw.change(3, "call", "");
    List<SseEvent> all = again.events.await(4, WAIT);
    assertThat(all.get(3).id()).isEqualTo(live.id());
    assertThat(gw.metrics().resumes()).isEqualTo(1);
  }

  @Test
  void resumeByQueryParameterKeepsTheFilter(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of());
    String from = gw.change(0, "call", "").id();
    gw.change(1, "call", "");
    PresenceEvent wanted = gw.change(0, "meeting", "");
    gw.change(2, "call", "");
    SseTestClient c = SseTestClient.connect(vertx, gw.port(), PATH + "?ids=" + gw.person(0) + "&lastEventId=" + from);
    assertThat(c.events.await(1, WAIT).get(0).id()).isEqualTo(wanted.id());
    PresenceEvent live = gw.change(0, "active", "");
    assertThat(c.events.await(2, WAIT).get(1).id()).isEqualTo(live.id());
  }

  @Test
  void garbageUnknownOrExpiredIdGetsResetThenSnapshot(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(), 5, 3);
    String expired = gw.change(0, "call", "").id();
    for (int i = 1; i < 5; i++) {
      gw.change(i, "call", "");
    }
    for (String id : List.of("garbage", "1-0", expired, "99999999999999-0")) {
      SseTestClient c = SseTestClient.connect(vertx, gw.port(), PATH, Map.of("Last-Event-ID", id));
      List<SseEvent> got = c.events.await(2, WAIT);
      assertThat(got).extracting(SseEvent::event).as("resume from " + id).containsExactly("reset", "snapshot");
      assertThat(new JsonObject(got.get(1).data()).getJsonArray("items")).hasSize(5);
      c.close();
    }
    assertThat(gw.metrics().resets()).isEqualTo(4);
  }

  /** Resume while changes keep flowing: the client's ids are exactly the log after the resume id. */
  @Test
  void resumeUnderLoadHasNoGapAndNoDuplicateAtTheSeam(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of());
    String from = gw.change(0, "call", "").id();
    for (int i = 0; i < 20; i++) {
      gw.change(i % 5, i % 2 == 0 ? "meeting" : "active", "m" + i);
    }
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    long timer = vertx.setPeriodic(2, t -> {
      try {
        int i = n.incrementAndGet();
        gw.change(i % 5, "load" + i, "");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    SseTestClient c = SseTestClient.connect(vertx, gw.port(), PATH, Map.of("Last-Event-ID", from));
    c.events.await(120, WAIT);
    vertx.cancelTimer(timer);
    PresenceStore.Replay log = await(gw.services().store().replayAfter(from, 100_000));
    List<String> expected = log.events().stream().map(PresenceEvent::id).toList();
    List<String> got = c.events.all().stream().map(SseEvent::id).toList();
    assertThat(got).isEqualTo(expected.subList(0, got.size()));
  }

  private static List<String> itemIds(SseEvent e) {
    JsonArray items = new JsonObject(e.data()).getJsonArray("items");
    List<String> ids = new ArrayList<>();
    items.forEach(o -> ids.add(((JsonObject) o).getString("id")));
    return ids;
  }
}
