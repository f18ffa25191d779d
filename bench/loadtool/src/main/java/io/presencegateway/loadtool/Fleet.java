package io.presencegateway.loadtool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * All subscriber connections of a run, spread round-robin over the event loops and opened with a
 * bounded number of handshakes in flight (a burst of 20,000 SYNs would overflow the server's accept
 * backlog and measure the kernel, not the server). Clients alternate SSE / WebSocket so both kinds
 * see the same ramp.
 */
final class Fleet {
  private final Vertx vertx;
  private final List<Context> loops = new ArrayList<>();
  private final List<Client> clients = new ArrayList<>();
  private final HttpClientAgent http;
  private final WebSocketClient ws;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger finished = new AtomicInteger();
  private volatile boolean launching = true;
  private final Histogram connectMicros = new Histogram(60_000_000L, 3);
  private final Map<String, Integer> failures = new TreeMap<>();
  private long rampMillis;

  Fleet(Vertx vertx, int eventLoops, Target target, int sse, int webSockets, Measurement measurement) {
    this.vertx = vertx;
    for (int i = 0; i < eventLoops; i++) {
      loops.add(vertx.getOrCreateContext()); // from a non-Vert.x thread: a new context on the next event loop
    }
    int total = sse + webSockets;
    http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(target.connectTimeoutMs()).setKeepAlive(true));
    ws = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(total + 1)
        .setConnectTimeout(target.connectTimeoutMs()));
    int sseLeft = sse;
    int wsLeft = webSockets;
    for (int i = 0; i < total; i++) {
      Context loop = loops.get(i % loops.size());
      boolean sseTurn = wsLeft == 0 || (sseLeft > 0 && i % 2 == 0);
      if (sseTurn) {
        clients.add(new SseClient(i, loop, target, measurement, http));
        sseLeft--;
      } else {
        clients.add(new WsClient(i, loop, target, measurement, ws));
        wsLeft--;
      }
    }
  }

  /** Opens every client, at most {@code inFlight} at a time; completes when each has connected or failed. */
  Future<Void> connectAll(int inFlight) {
    Promise<Void> all = Promise.promise();
    long started = System.nanoTime();
    if (clients.isEmpty()) {
      all.complete();
      return all.future();
    }
    for (int i = 0; i < Math.min(inFlight, clients.size()); i++) {
      launchNext(all, started);
    }
    return all.future();
  }

  private void launchNext(Promise<Void> all, long started) {
    if (!launching) {
      return;
    }
    int i = next.getAndIncrement();
    if (i >= clients.size()) {
      return;
    }
    Client c = clients.get(i);
    c.connect().onComplete(ar -> {
      synchronized (this) {
        if (ar.succeeded()) {
          connectMicros.recordValue(Math.min(c.connectMicros(), connectMicros.getHighestTrackableValue()));
        } else {
          failures.merge(c.transport() + ": " + c.failure(), 1, Integer::sum);
        }
      }
      if (finished.incrementAndGet() == clients.size()) {
        rampMillis = (System.nanoTime() - started) / 1_000_000;
        all.complete();
      } else {
        launchNext(all, started);
      }
    });
  }

  /**
   * The ramp ran out of time: no further client is opened (handshakes in flight still finish), so
   * that the measurement that follows is not made during a connection storm.
   */
  void stopLaunching() {
    launching = false;
  }

  /** Stops every client from recording, on its own event loop; afterwards their data may be read from anywhere. */
  Future<Void> freeze() {
    List<Future<Void>> done = new ArrayList<>();
    for (Context loop : loops) {
      Promise<Void> p = Promise.promise();
      loop.runOnContext(v -> {
        clients.stream().filter(c -> c.context == loop).forEach(Client::freeze);
        p.complete();
      });
      done.add(p.future());
    }
    return Future.all(done).mapEmpty();
  }

  List<Client> clients() {
    return clients;
  }

  /** Connected clients that have not received any message yet. */
  long ungreeted() {
    return clients.stream().filter(c -> c.connected() && !c.closed() && !c.isGreeted()).count();
  }

  /** Connected clients whose window may still be incomplete. */
  long unsettled() {
    return clients.stream().filter(c -> c.connected() && !c.settled()).count();
  }

  synchronized Histogram connectTimes() {
    return connectMicros.copy();
  }

  synchronized Map<String, Integer> failures() {
    return new TreeMap<>(failures);
  }

  long rampMillis() {
    return rampMillis;
  }

  Future<Void> close() {
    return Future.all(http.close(), ws.close()).mapEmpty();
  }

  Vertx vertx() {
    return vertx;
  }
}
