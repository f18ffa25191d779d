package io.presencegateway.sse;

import io.presencegateway.http.Recorder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.SseEvent;

import java.util.Map;

/** An EventSource stand-in over the Vert.x web client ({@code BodyCodec.sseStream}); one connection each. */
public final class SseTestClient {
  public final Recorder<SseEvent> events = new Recorder<>();
  private final WebClient client;
  private Future<HttpResponse<Void>> response;

  private SseTestClient(Vertx vertx) {
    this.client = WebClient.create(vertx);
  }

  public static SseTestClient connect(Vertx vertx, int port, String uri, Map<String, String> headers) {
    SseTestClient c = new SseTestClient(vertx);
    var request = c.client.get(port, "127.0.0.1", uri);
    headers.forEach(request::putHeader);
    c.response = request.as(BodyCodec.sseStream(stream -> stream.handler(e -> {
      if (e.data() != null && !e.data().isEmpty()) {
        c.events.add(e); // like EventSource: a frame without data (retry: only) dispatches nothing
      }
    }))).send();
    return c;
  }

  public static SseTestClient connect(Vertx vertx, int port, String uri) {
    return connect(vertx, port, uri, Map.of());
  }

  Future<HttpResponse<Void>> response() {
    return response;
  }

  /** Disconnects (closes the client's connection). */
  public void close() {
    client.close();
  }
}
