package io.presencegateway.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local HTTP ceiling: signed POSTs of a given body straight to the receiver, {@code concurrency}
 * of them out at a time over as many keep-alive connections, spread over the subscriptions' paths
 * like the gateway's, each with its own webhook-id. The receiver does for them exactly what it does
 * for the gateway's (verify, count, parse, answer 204), so its ledger times both the same way.
 */
final class HttpCeiling {
  private final WebhookReceiver receiver;
  private final int subscriptions;
  private final int concurrency;
  /** One client for every pass, so that a measured pass runs on connections a warm-up opened (as the gateway's do). */
  private final HttpClient client;

  HttpCeiling(Vertx vertx, WebhookReceiver receiver, int subscriptions, int concurrency) {
    this.receiver = receiver;
    this.subscriptions = subscriptions;
    this.concurrency = concurrency;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(concurrency).setMaxWaitQueueSize(concurrency * 2));
  }

  /** Sends {@code requests} POSTs; completes when all are answered, fails on the first transport error. */
  Future<Void> run(Buffer body, int requests) {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger answered = new AtomicInteger();
    Promise<Void> all = Promise.promise();
    for (int lane = 0; lane < Math.min(concurrency, requests); lane++) {
      sendNext(body, requests, next, answered, all);
    }
    return all.future();
  }

  Future<Void> close() {
    return client.close();
  }

  /** One lane: a POST, and the next one when it is answered, until the count is reached. */
  private void sendNext(Buffer body, int requests, AtomicInteger next, AtomicInteger answered, Promise<Void> all) {
    int k = next.getAndIncrement();
    if (k >= requests || all.future().isComplete()) {
      return;
    }
    int subscription = k % subscriptions;
    String id = "ceiling-" + k;
    long ts = System.currentTimeMillis() / 1000;
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(receiver.url(subscription))
        .putHeader("webhook-id", id).putHeader("webhook-timestamp", Long.toString(ts))
        .putHeader("webhook-signature", receiver.signer(subscription).sign(id, ts, body.getBytes()))
        .putHeader("Content-Type", "application/json");
    client.request(options).compose(req -> req.send(body)).compose(resp -> resp.body().map(resp.statusCode()))
        .onSuccess(status -> {
          if (status / 100 != 2) {
            all.tryFail("the receiver answered " + status + " to a ceiling request");
          } else if (answered.incrementAndGet() == requests) {
            all.tryComplete();
          } else {
            sendNext(body, requests, next, answered, all);
          }
        })
        .onFailure(all::tryFail);
  }
}
