package io.presencegateway.cluster;

import io.presencegateway.event.PresenceEvent;
import io.presencegateway.sse.SseTestClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.codec.SseEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that was connected to one instance resumes on another (two gateways, one Redis): it gets
 * exactly the events it missed, in order, then live events, with no gap and no duplicate.
 */
class ResumeAcrossInstancesTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private final ClusterFixture cluster = new ClusterFixture();
  private final Vertx clients = Vertx.vertx();

  @AfterEach
  void close() {
    result(clients.close());
    cluster.close();
  }

  @Test
  void sseResumesOnTheOtherInstanceWithExactlyTheMissedEvents() throws Exception {
    Gateway a = cluster.gateway();
    Gateway b = cluster.gateway();
    cluster.awaitBaseline(a);

    SseTestClient onA = SseTestClient.connect(clients, a.main().httpPort(), "/v1/presence/stream");
    onA.events.await(1, WAIT);
    cluster.change(cluster.step(0), List.of(a, b), WAIT);
    String lastSeen = onA.events.await(2, WAIT).get(1).id();
    onA.close();

    List<PresenceEvent> missed = makeChanges(List.of(a, b), 1, 3);
    SseTestClient onB = SseTestClient.connect(clients, b.main().httpPort(), "/v1/presence/stream",
        Map.of("Last-Event-ID", lastSeen));
    List<SseEvent> replayed = onB.events.await(3, WAIT);
    assertThat(replayed).extracting(SseEvent::id).containsExactlyElementsOf(missed.stream().map(PresenceEvent::id).toList());
    assertThat(replayed).allMatch(e -> "user-presence".equals(e.event()));

    PresenceEvent live = makeChanges(List.of(a, b), 4, 1).get(0);
    List<SseEvent> all = onB.events.await(4, WAIT);
    assertThat(all.get(3).id()).isEqualTo(live.id());
    assertThat(onB.events.all()).hasSize(4);
    onB.close();
  }

  @Test
  void webSocketSinceResumesOnTheOtherInstance() throws Exception {
    Gateway a = cluster.gateway();
    Gateway b = cluster.gateway();
    cluster.awaitBaseline(a);
    cluster.change(cluster.step(0), List.of(a, b), WAIT);
    String lastSeen = b.received().get(b.received().size() - 1).id();
    List<PresenceEvent> missed = makeChanges(List.of(a, b), 1, 3);

    BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
    WebSocketClient ws = clients.createWebSocketClient();
    WebSocket socket = result(ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(b.main().httpPort()).setURI("/v1/presence/ws")));
    socket.textMessageHandler(t -> messages.add(new JsonObject(t)));
    socket.writeTextMessage(new JsonObject().put("type", "subscribe").put("since", lastSeen).encode());

    // a valid since is a resume: the missed events and nothing else (a snapshot would mean a reset)
    List<String> replayedIds = new java.util.ArrayList<>();
    while (replayedIds.size() < 3) {
      replayedIds.add(nextEvent(messages).getString("id"));
    }
    assertThat(replayedIds).containsExactlyElementsOf(missed.stream().map(PresenceEvent::id).toList());

    // then live, with no gap and no duplicate at the seam: the next event is the next change
    PresenceEvent live = makeChanges(List.of(a, b), 4, 1).get(0);
    JsonObject next = nextEvent(messages);
    assertThat(next.getString("id")).isEqualTo(live.id());
    assertThat(next.getJsonObject("data").encode()).isEqualTo(live.envelope().toString());
    socket.close();
    assertThat(messages).as("nothing after the live event").noneMatch(m -> "user-presence".equals(m.getString("type")));
  }

  /**
   * The next message, which must be a {@code user-presence} event: the connection subscribed with a
   * valid {@code since} only (no query subscription), so it never gets a snapshot or a reset.
   */
  private static JsonObject nextEvent(BlockingQueue<JsonObject> messages) throws InterruptedException {
    JsonObject m = messages.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(m).as("next event").isNotNull();
    assertThat(m.getString("type")).as(m.encode()).isEqualTo("user-presence");
    return m;
  }

  /** Makes {@code count} scripted changes and returns the events the instances' buses carried for them. */
  private List<PresenceEvent> makeChanges(List<Gateway> watchers, int firstStep, int count) {
    int before = watchers.get(0).received().size();
    for (int i = firstStep; i < firstStep + count; i++) {
      cluster.change(cluster.step(i), watchers, WAIT);
    }
    List<PresenceEvent> events = watchers.get(0).received();
    return events.subList(before, events.size());
  }
}
