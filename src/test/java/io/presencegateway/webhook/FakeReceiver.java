package io.presencegateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A webhook receiver for tests: a Vert.x HTTP server on 127.0.0.1, port 0, recording every POST. */
final class FakeReceiver {

  record Received(MultiMap headers, byte[] body, long atNanos, String path) {
    String id() {
      return headers.get("webhook-id");
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** How to answer the {@code index}-th request (0-based). */
  @FunctionalInterface
  interface Responder {
    void respond(HttpServerRequest request, Received received, int index);
  }

  final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Responder responder = (req, r, i) -> req.response().setStatusCode(204).end();
  private HttpServer server;

  static Future<FakeReceiver> start(Vertx vertx) {
    FakeReceiver r = new FakeReceiver();
    return vertx.createHttpServer().requestHandler(r::handle).listen(0, "127.0.0.1").map(s -> {
      r.server = s;
      return r;
    });
  }

  FakeReceiver answer(Responder responder) {
    this.responder = responder;
    return this;
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(buf -> {
      Received r = new Received(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), buf.getBytes(), System.nanoTime(),
          req.path());
      int index;
      synchronized (received) {
        index = received.size();
        received.add(r);
      }
      responder.respond(req, r, index);
    });
  }

  int port() {
    return server.actualPort();
  }

  String url() {
    return "http://127.0.0.1:" + port() + "/hook";
  }
}
