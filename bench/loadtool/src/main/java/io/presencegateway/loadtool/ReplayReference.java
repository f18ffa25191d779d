package io.presencegateway.loadtool;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * The gateway's own list of the window's events, independent of what the clients saw: one more
 * SSE connection resumes with {@code Last-Event-ID} = the last event before the window, so the
 * gateway replays every event after it from its log. Reading stops at the first event past the
 * window (or after a timeout, then the list is marked incomplete). Events that no client received
 * are then still counted as lost, which a union of the clients' events alone would miss.
 */
final class ReplayReference {
  /** The window's event keys in order, how many items (changes) they hold, and whether the list is whole. */
  record Result(long[] keys, long items, boolean complete, String problem) {
    static Result unavailable(String problem) {
      return new Result(new long[0], 0, false, problem);
    }
  }

  private static final int TIMEOUT_MS = 10_000;

  private ReplayReference() {
  }

  static Future<Result> fetch(Vertx vertx, Target target, long lastKeyBeforeWindow, long fromMillis, long toMillis) {
    if (lastKeyBeforeWindow == Envelopes.NONE) {
      return Future.succeededFuture(Result.unavailable("no event was seen before the window"));
    }
    HttpClientAgent http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(target.connectTimeoutMs()));
    Promise<Result> result = Promise.promise();
    LongArray keys = new LongArray(256);
    long[] items = {0};
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setHost(target.host()).setPort(target.port())
        .setURI(target.ssePath()).putHeader("Accept", "text/event-stream")
        .putHeader("Last-Event-ID", Envelopes.eventId(lastKeyBeforeWindow));
    long timer = vertx.setTimer(TIMEOUT_MS, t -> result.tryComplete(new Result(keys.toArray(), items[0], false,
        "replay did not reach the end of the window within " + TIMEOUT_MS + " ms")));
    http.request(get).compose(req -> req.send()).onSuccess(resp -> {
      SseParser parser = new SseParser((event, id, data) -> {
        if ("reset".equals(event)) {
          result.tryComplete(Result.unavailable("the gateway no longer holds the events before the window (reset)"));
          return;
        }
        if (!"user-presence".equals(event)) {
          return;
        }
        long ts = Envelopes.timestampMillis(data);
        if (ts >= toMillis) {
          result.tryComplete(new Result(keys.toArray(), items[0], true, null));
        } else if (ts >= fromMillis) {
          keys.add(Envelopes.eventIdKey(id));
          items[0] += countItems(data);
        }
      });
      resp.handler(parser::feed);
    }).onFailure(e -> result.tryComplete(Result.unavailable("replay request failed: " + e.getMessage())));
    return result.future().andThen(ar -> {
      vertx.cancelTimer(timer);
      http.close();
    });
  }

  /** Items of an envelope: each has exactly one {@code statusMessage} field. */
  static long countItems(String envelope) {
    long n = 0;
    for (int at = envelope.indexOf("\"statusMessage\":"); at >= 0; at = envelope.indexOf("\"statusMessage\":", at + 1)) {
      n++;
    }
    return n;
  }
}
