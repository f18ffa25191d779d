package io.presencegateway.loadtool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;

/**
 * Feeds Nchan's publisher endpoint like the gateway's poller feeds its clients: one envelope per
 * event, {@code timestamp} = the moment it is sent, at a fixed rate. Message {@code i} is due at
 * {@code start + i / rate}, so timer jitter never adds up to a slower rate. Bounded twice: at most
 * {@code maxMessages}, and nothing is sent after {@link #stop()} or the deadline. Runs on one
 * context; its records are read after {@link #stop()}'s future completes.
 */
final class Publisher {
  private static final int REQUEST_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final Context context;
  private final HttpClientAgent http;
  private final URI url;
  private final double ratePerSecond;
  private final long maxMessages;
  private final BodyTemplate bodies;
  private final LongArray acceptedSeqs = new LongArray(1024);
  private final LongArray acceptedTimestamps = new LongArray(1024);
  private final Promise<Void> finished = Promise.promise();
  private long startNanos;
  private long stoppedNanos;
  private long deadlineNanos;
  private long sent;
  private long failed;
  private int inFlight;
  private boolean stopping;
  private int bodyBytes;

  Publisher(Vertx vertx, URI url, double ratePerSecond, long maxMessages, BodyTemplate bodies) {
    if (!"127.0.0.1".equals(url.getHost()) && !"localhost".equals(url.getHost())) {
      throw new IllegalArgumentException("the publisher only posts to loopback, got " + url);
    }
    if (ratePerSecond <= 0 || ratePerSecond > 10_000) {
      throw new IllegalArgumentException("--rate must be in (0, 10000], got " + ratePerSecond);
    }
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true), new PoolOptions().setHttp1MaxSize(8));
    this.url = url;
    this.ratePerSecond = ratePerSecond;
    this.maxMessages = maxMessages;
    this.bodies = bodies;
  }

  /** Starts publishing now, for at most {@code maxMillis}. */
  void start(long maxMillis) {
    context.runOnContext(v -> {
      startNanos = System.nanoTime();
      deadlineNanos = startNanos + maxMillis * 1_000_000;
      publishDue();
    });
  }

  /** Stops sending; completes when every request in flight has been answered (or timed out). */
  Future<Void> stop() {
    context.runOnContext(v -> stopSending());
    return finished.future();
  }

  /** Sends every message that is due by now, then sleeps on a timer until the next one is due. */
  private void publishDue() {
    long now = System.nanoTime();
    if (stopping || now >= deadlineNanos || sent >= maxMessages) {
      stopSending();
      return;
    }
    long due = (long) ((now - startNanos) / 1e9 * ratePerSecond) + 1;
    while (sent < Math.min(due, maxMessages)) {
      send(++sent);
    }
    long nextDueNanos = startNanos + (long) (sent / ratePerSecond * 1e9);
    vertx.setTimer(Math.max(1, (nextDueNanos - System.nanoTime()) / 1_000_000), t -> publishDue());
  }

  private void send(long seq) {
    long now = System.currentTimeMillis();
    Buffer body = Buffer.buffer(bodies.body(seq, now));
    bodyBytes = body.length();
    inFlight++;
    RequestOptions post = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url.toString())
        .setTimeout(REQUEST_TIMEOUT_MS).putHeader("Content-Type", "application/json");
    http.request(post).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          inFlight--;
          if (ar.succeeded() && ar.result() / 100 == 2) {
            acceptedSeqs.add(seq);
            acceptedTimestamps.add(now);
          } else {
            failed++;
          }
          finishIfIdle();
        });
  }

  private void stopSending() {
    if (!stopping) {
      stopping = true;
      stoppedNanos = System.nanoTime();
    }
    finishIfIdle();
  }

  private void finishIfIdle() {
    if (stopping && inFlight == 0) {
      finished.tryComplete();
    }
  }

  /** Sequence numbers the server accepted (2xx) whose timestamp falls in [from, to), ascending. */
  long[] acceptedBetween(long fromMillis, long toMillis) {
    LongArray out = new LongArray(acceptedSeqs.size());
    for (int i = 0; i < acceptedSeqs.size(); i++) {
      long ts = acceptedTimestamps.get(i);
      if (ts >= fromMillis && ts < toMillis) {
        out.add(acceptedSeqs.get(i));
      }
    }
    long[] seqs = out.toArray();
    java.util.Arrays.sort(seqs);
    return seqs;
  }

  JsonObject summary() {
    double seconds = ((stopping ? stoppedNanos : System.nanoTime()) - startNanos) / 1e9;
    return new JsonObject().put("url", url.toString()).put("ratePerSec", ratePerSecond).put("sent", sent)
        .put("accepted", acceptedSeqs.size()).put("failed", failed).put("bodyBytes", bodyBytes).put("itemsPerBody", bodies.items())
        .put("achievedRatePerSec", Math.round(sent / Math.max(seconds, 1e-9) * 10) / 10.0);
  }

  Future<Void> close() {
    return http.close();
  }
}
