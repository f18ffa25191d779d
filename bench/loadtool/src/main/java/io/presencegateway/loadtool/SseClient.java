package io.presencegateway.loadtool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * An EventSource-like subscriber: its own TCP connection ({@link HttpClientAgent#connect}, no
 * pool, so 20,000 clients are 20,000 connections), one {@code GET} with
 * {@code Accept: text/event-stream}, then an endless response parsed frame by frame.
 */
final class SseClient extends Client {
  private final HttpClientAgent http;

  SseClient(int index, Context context, Target target, Measurement measurement, HttpClientAgent http) {
    super(index, context, target, measurement);
    this.http = http;
  }

  @Override
  String transport() {
    return "sse";
  }

  @Override
  Future<Void> open() {
    HttpConnectOptions connect = new HttpConnectOptions().setHost(target.host()).setPort(target.port())
        .setConnectTimeout(target.connectTimeoutMs());
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setURI(target.ssePath())
        .putHeader("Accept", "text/event-stream").putHeader("Cache-Control", "no-cache");
    return http.connect(connect).compose(conn -> {
      conn.closeHandler(v -> onClosed());
      return conn.request(get).compose(req -> req.send()).compose(resp -> {
        if (resp.statusCode() != 200) {
          conn.close();
          return Future.failedFuture("HTTP " + resp.statusCode() + " from " + target.ssePath());
        }
        // arrival is when the chunk came off the socket, not after this client's own parsing
        long[] chunkArrived = {0};
        SseParser parser = new SseParser((event, id, data) -> {
          greeted();
          Delivery d = target.flavour().fromSse(event, id, data);
          if (d != null) {
            deliver(d, chunkArrived[0]);
          }
        });
        resp.handler(chunk -> {
          chunkArrived[0] = Clock.nowMicros();
          try {
            parser.feed(chunk);
          } catch (IllegalStateException e) {
            conn.close();
          }
        });
        resp.exceptionHandler(e -> onClosed());
        resp.endHandler(v -> onClosed());
        return Future.succeededFuture();
      });
    });
  }
}
