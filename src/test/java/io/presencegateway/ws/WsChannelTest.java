package io.presencegateway.ws;

import io.presencegateway.event.PresenceEvent;
import io.presencegateway.http.ChannelMetrics;
import io.presencegateway.http.Recorder;
import io.presencegateway.http.TestGateway;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.presencegateway.http.TestGateway.await;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class WsChannelTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String PATH = "/v1/presence/ws";

  private record Client(WebSocket ws, Recorder<JsonObject> messages) {
    void send(Object message) {
      ws.writeTextMessage(message instanceof JsonObject j ? j.encode() : String.valueOf(message));
    }
  }

  private static Client connect(Vertx vertx, TestGateway gw, String uri) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient();
    Recorder<JsonObject> messages = new Recorder<>();
    // the handler is set as the connect completes, on the socket's context, so no early message is missed
    WebSocket ws = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(gw.port()).setURI(uri))
        .map(s -> s.textMessageHandler(t -> messages.add(new JsonObject(t)))));
    return new Client(ws, messages);
  }

  @Test
  void subscribeGetsSnapshotThenLiveEvents(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of());
    Client c = connect(vertx, gw, PATH);
    c.send(new JsonObject().put("type", "subscribe"));
    JsonObject snapshot = c.messages.await(1, WAIT).get(0);
    assertThat(snapshot.getString("type")).isEqualTo("snapshot");
    assertThat(snapshot.getString("id")).isEqualTo(await(gw.services().store().lastEventId()));
    assertThat(snapshot.getJsonObject("data").getJsonArray("items")).hasSize(5);

    PresenceEvent e = gw.change(3, "DoNotDisturb", "focus");
    JsonObject live = c.messages.await(2, WAIT).get(1);
    assertThat(live.getString("type")).isEqualTo("user-presence");
    assertThat(live.getString("id")).isEqualTo(e.id());
    assertThat(live.getJsonObject("data")).isEqualTo(new JsonObject(e.envelope()));
    assertThat(gw.metrics().connections(ChannelMetrics.Channel.WS)).isEqualTo(1);
  }

  @Test
  void filtersFromMessageOrQueryAndSeveralClients(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of());
    Client byMessage = connect(vertx, gw, PATH);
    byMessage.send(new JsonObject().put("type", "subscribe").put("ids", new JsonArray().add(gw.person(1))));
    Client byQuery = connect(vertx, gw, PATH + "?statuses=call");
    Client all = connect(vertx, gw, PATH + "?ids=");
    for (Client c : List.of(byMessage, byQuery, all)) {
      c.messages.await(1, WAIT);
    }
    gw.change(0, "call", "");
    PresenceEvent mine = gw.change(1, "meeting", "");
    PresenceEvent last = gw.change(2, "call", "");
    assertThat(byMessage.messages.await(2, WAIT).get(1).getString("id")).isEqualTo(mine.id());
    assertThat(byQuery.messages.await(3, WAIT)).extracting(m -> m.getString("type")).containsExactly("snapshot", "user-presence", "user-presence");
    assertThat(byQuery.messages.all().get(2).getString("id")).isEqualTo(last.id());
    assertThat(all.messages.await(4, WAIT).get(3).getString("id")).isEqualTo(last.id());
    assertThat(byMessage.messages.size()).isEqualTo(2);
  }

  @Test
  void invalidMessagesGetAnErrorAndTheConnectionStaysUsable(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of());
    Client c = connect(vertx, gw, PATH);
    c.send("not json");
    c.send(new JsonObject().put("type", "dance"));
    c.send(new JsonObject().put("type", "subscribe").put("ids", new JsonArray().add("bogus")));
    c.send(new JsonObject().put("type", "subscribe").put("ids", "notanarray"));
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 1001; i++) {
      tooMany.add("call");
    }
    c.send(new JsonObject().put("type", "subscribe").put("statuses", tooMany));
    List<JsonObject> errors = c.messages.await(5, WAIT);
    assertThat(errors).extracting(m -> m.getString("type")).containsOnly("error");
    assertThat(errors.get(2).getJsonObject("data").getString("message")).contains("bogus");
    c.send(new JsonObject().put("type", "ping"));
    assertThat(c.messages.await(6, WAIT).get(5).getString("type")).isEqualTo("pong");
    c.send(new JsonObject().put("type", "subscribe"));
    assertThat(c.messages.await(7, WAIT).get(6).getString("type")).isEqualTo("snapshot");
    c.send(new JsonObject().put("type", "unsubscribe"));
    c.send(new JsonObject().put("type", "ping"));
    c.messages.await(8, WAIT);
    gw.change(0, "call", "");
    PresenceEvent after = gw.change(1, "call", "");
    c.send(new JsonObject().put("type", "subscribe").put("since", after.id()));
    c.send(new JsonObject().put("type", "ping"));
    assertThat(c.messages.await(9, WAIT).get(8).getString("type")).isEqualTo("pong");
    assertThat(c.messages.all()).extracting(m -> m.getString("type")).doesNotContain("user-presence");
  }

  @Test
  void oversizedMessageClosesTheConnection(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of());
    Client c = connect(vertx, gw, PATH);
    Recorder<Short> closed = new Recorder<>();
    c.ws.closeHandler(v -> closed.add(c.ws.closeStatusCode()));
    c.send("{\"type\":\"ping\",\"pad\":\"" + "x".repeat(WsChannel.MAX_MESSAGE_BYTES) + "\"}");
    assertThat(closed.await(1, WAIT).get(0)).isEqualTo((short) 1009);
    Recorder.until(() -> gw.metrics().connections(ChannelMetrics.Channel.WS) == 0, WAIT, "connection freed");
  }

  @Test
  void sinceReplaysExactlyTheMissedEventsThenLive(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of());
    Client first = connect(vertx, gw, PATH + "?statuses=");
    first.messages.await(1, WAIT);
    PresenceEvent seen = gw.change(0, "call", "");
    assertThat(first.messages.await(2, WAIT).get(1).getString("id")).isEqualTo(seen.id());
    await(first.ws.close());
    Recorder.until(() -> gw.metrics().connections(ChannelMetrics.Channel.WS) == 0, WAIT, "first client gone");

    List<String> missed = List.of(gw.change(1, "meeting", "").id(), gw.change(2, "meeting", "").id(), gw.change(0, "active", "").id());
    Client again = connect(vertx, gw, PATH);
    again.send(new JsonObject().put("type", "subscribe").put("since", seen.id()));
    List<JsonObject> replay = again.messages.await(3, WAIT);
    assertThat(replay).extracting(m -> m.getString("type")).containsOnly("user-presence");
    assertThat(replay).extracting(m -> m.getString("id")).containsExactlyElementsOf(missed);
    PresenceEvent live = gw.change(3, "call", "");
    assertThat(again.messages.await(4, WAIT).get(3).getString("id")).isEqualTo(live.id());
  }

  @Test
  void unknownOrGarbageSinceGetsResetThenSnapshot(Vertx vertx) throws Exception {
    TestGateway gw = TestGateway.start(vertx, Map.of(), 5, 3);
    String expired = gw.change(0, "call", "").id();
    for (int i = 1; i < 5; i++) {
      gw.change(i, "call", "");
    }
    Client c = connect(vertx, gw, PATH);
    int n = 0;
    for (String since : List.of("garbage", "1-0", expired)) {
      c.send(new JsonObject().put("type", "subscribe").put("since", since));
      n += 2;
      List<JsonObject> got = c.messages.await(n, WAIT);
      assertThat(got.subList(n - 2, n)).extracting(m -> m.getString("type")).as("since " + since).containsExactly("reset", "snapshot");
    }
    assertThat(gw.metrics().busConsumers()).isEqualTo(1);
  }

  @Test
  void utf8LengthCountsBytesOnTheWire() {
    for (String s : List.of("", "abc", "é", "über", "€", "😀", "a😀é€z")) {
      assertThat(WsConnection.utf8Length(s)).as(s).isEqualTo(s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
  }
}
