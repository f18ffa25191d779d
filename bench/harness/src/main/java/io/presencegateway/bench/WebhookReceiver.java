package io.presencegateway.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counting webhook receiver: {@code POST /s/<n>} is subscription n. Every request's Standard
 * Webhooks signature is verified with that subscription's secret (a bad one is answered 401 and
 * counted), then the current phase's {@link DeliveryLedger} counts it and its failure plan decides
 * between 500 and 204. One server per event loop of the harness (they share the port), so the
 * receiver is not the narrow end on 2 cores. Closed with the Vert.x instance.
 */
final class WebhookReceiver {
  private final Vertx vertx;
  private final int servers;
  private final Map<Integer, StandardWebhooks> secrets = new ConcurrentHashMap<>();
  private final AtomicReference<DeliveryLedger> ledger = new AtomicReference<>();
  private final LongAdder connections = new LongAdder();
  private final AtomicReference<Buffer> sampleBody = new AtomicReference<>();
  private int port;

  WebhookReceiver(Vertx vertx, int servers) {
    this.vertx = vertx;
    this.servers = servers;
  }

  /**
   * Listens on 127.0.0.1 and a free port: one verticle instance per event loop, all on that port
   * (Vert.x shares one listening socket between the instances of a deployment, round-robin).
   */
  Future<Integer> listen() {
    port = freePort();
    return vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setIdleTimeout(60));
        server.connectionHandler(c -> connections.increment());
        server.requestHandler(WebhookReceiver.this::handle);
        return server.listen();
      }
    }, new DeploymentOptions().setInstances(servers)).map(id -> port);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port on 127.0.0.1", e);
    }
  }

  String url(int subscription) {
    return "http://127.0.0.1:" + port + "/s/" + subscription;
  }

  /** Registers a subscription's secret (kept in memory only, never printed). */
  void secret(int subscription, String secret) {
    secrets.put(subscription, new StandardWebhooks(secret));
  }

  StandardWebhooks signer(int subscription) {
    return secrets.get(subscription);
  }

  /** From now on requests count in this ledger. */
  void begin(DeliveryLedger phase) {
    ledger.set(phase);
  }

  /** TCP connections accepted so far (the gateway opens more only when it has more attempts out at once). */
  long connections() {
    return connections.sum();
  }

  /** The first body accepted, for a ceiling run with bodies of the same size. */
  Buffer sampleBody() {
    return sampleBody.get();
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> answer(req, body)).onFailure(e -> req.response().setStatusCode(400).end());
  }

  private void answer(HttpServerRequest req, Buffer body) {
    DeliveryLedger phase = ledger.get();
    int subscription = subscriptionOf(req.path());
    StandardWebhooks check = subscription < 0 ? null : secrets.get(subscription);
    if (phase == null || check == null || !"POST".equals(req.method().name())) {
      req.response().setStatusCode(404).end();
      return;
    }
    String id = req.getHeader("webhook-id");
    byte[] bytes = body.getBytes();
    if (!check.verify(id, req.getHeader("webhook-timestamp"), req.getHeader("webhook-signature"), bytes,
        System.currentTimeMillis() / 1000)) {
      phase.badSignature();
      req.response().setStatusCode(401).end();
      return;
    }
    if (phase.requestFails(subscription, id)) {
      req.response().setStatusCode(500).end();
      return;
    }
    JsonArray items = new JsonObject(body).getJsonArray("items", new JsonArray());
    phase.succeeded(subscription, id, items);
    sampleBody.compareAndSet(null, body);
    req.response().setStatusCode(204).end();
  }

  private static int subscriptionOf(String path) {
    if (path == null || !path.startsWith("/s/")) {
      return -1;
    }
    try {
      return Integer.parseInt(path.substring(3));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

}
