package io.presencegateway.cluster;

import io.presencegateway.event.PersonIds;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A minimal Webex People API on a loopback port: {@code GET /v1/people?max=N} pages through the org
 * with {@code Link: <...>; rel="next"}, {@code GET /v1/people/{id}} returns one person. Tests set a
 * person's status from their own thread with {@link #setStatus}.
 */
final class FakePeopleApi extends VerticleBase {
  static final String ORG = PersonIds.orgId("us", UUID.fromString("0b8c1f5e-3c43-4a1c-9c5e-1a2b3c4d5e6f"));

  private static final int PAGE = 2;
  private final Map<String, String> statuses = new LinkedHashMap<>();
  private final AtomicLong listRequests = new AtomicLong();
  private volatile long pageDelayMs;
  private HttpServer server;

  FakePeopleApi(int people) {
    for (int i = 0; i < people; i++) {
      statuses.put(PersonIds.personId("us", new UUID(0x1234L, i)), "active");
    }
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").onSuccess(s -> server = s);
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }

  synchronized List<String> ids() {
    return new ArrayList<>(statuses.keySet());
  }

  synchronized void setStatus(String id, String status) {
    statuses.put(id, status);
  }

  /** Every page of the org list is answered this much later (a slow upstream or a huge org). */
  void pageDelayMs(long delayMs) {
    pageDelayMs = delayMs;
  }

  /** Org listings served so far: tells whether some instance is polling. */
  long listRequests() {
    return listRequests.get();
  }

  private void handle(HttpServerRequest req) {
    if (!"Bearer x".equals(req.getHeader("Authorization"))) {
      req.response().setStatusCode(401).end(new JsonObject().put("message", "bad token").encode());
    } else if (req.path().equals("/v1/people")) {
      listRequests.incrementAndGet();
      long delay = pageDelayMs;
      if (delay > 0) {
        vertx.setTimer(delay, t -> list(req));
      } else {
        list(req);
      }
    } else if (req.path().startsWith("/v1/people/")) {
      one(req, req.path().substring("/v1/people/".length()));
    } else {
      req.response().setStatusCode(404).end();
    }
  }

  private void list(HttpServerRequest req) {
    int start = Integer.parseInt(req.getParam("start", "0"));
    List<JsonObject> all = snapshot();
    JsonArray items = new JsonArray(new ArrayList<>(all.subList(Math.min(start, all.size()), Math.min(start + PAGE, all.size()))));
    if (start + PAGE < all.size()) {
      req.response().putHeader("Link", "<" + baseUrl() + "/people?max=" + PAGE + "&start=" + (start + PAGE) + ">; rel=\"next\"");
    }
    req.response().putHeader("Content-Type", "application/json").putHeader("TrackingID", "fake-" + start)
        .end(new JsonObject().put("items", items).encode());
  }

  private void one(HttpServerRequest req, String id) {
    snapshot().stream().filter(p -> p.getString("id").equals(id)).findFirst().ifPresentOrElse(
        p -> req.response().putHeader("Content-Type", "application/json").end(p.encode()),
        () -> req.response().setStatusCode(404).end());
  }

  private synchronized List<JsonObject> snapshot() {
    List<JsonObject> out = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, String> e : statuses.entrySet()) {
      out.add(new JsonObject().put("id", e.getKey()).put("emails", new JsonArray().add("p" + i + "@example.com"))
          .put("displayName", "Person " + i++).put("orgId", ORG).put("status", e.getValue())
          .put("lastActivity", "2025-08-15T16:42:27.199Z").put("lastModified", "2025-06-05T13:24:42.790Z"));
    }
    return out;
  }
}
