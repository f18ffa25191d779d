package io.presencegateway.loadtool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

/**
 * A dashboard-like WebSocket subscriber: handshake, the flavour's subscribe message (the gateway
 * wants {@code {"type":"subscribe"}} first), then whole text messages. Pings are answered by
 * Vert.x itself, so the gateway never reaps these clients as dead peers.
 */
final class WsClient extends Client {
  private final WebSocketClient ws;

  WsClient(int index, Context context, Target target, Measurement measurement, WebSocketClient ws) {
    super(index, context, target, measurement);
    this.ws = ws;
  }

  @Override
  String transport() {
    return "ws";
  }

  @Override
  Future<Void> open() {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(target.host()).setPort(target.port())
        .setURI(target.wsPath());
    options.setConnectTimeout(target.connectTimeoutMs());
    return ws.connect(options).map(socket -> {
      socket.textMessageHandler(text -> {
        long arrived = Clock.nowMicros();
        greeted();
        Delivery d = target.flavour().fromWs(text);
        if (d != null) {
          deliver(d, arrived);
        }
      });
      socket.closeHandler(v -> onClosed());
      socket.exceptionHandler(e -> onClosed());
      String subscribe = target.flavour().wsSubscribe();
      if (subscribe != null) {
        socket.writeTextMessage(subscribe);
      }
      return null;
    });
  }
}
