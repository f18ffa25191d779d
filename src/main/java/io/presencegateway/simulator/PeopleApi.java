package io.presencegateway.simulator;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.HostAndPort;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The Webex People API subset the poller uses: {@code GET /v1/people?max=N} (the org, paged with a
 * {@code Link rel="next"} header and an opaque cursor) and {@code GET /v1/people/{id}}, behind a
 * bearer token, answering errors with Webex-shaped bodies. Every request is logged, then checked
 * against the injected faults, then served.
 */
final class PeopleApi {
  static final String TRACKING_ID = "trackingId";
  private static final int DEFAULT_MAX = 100;
  private static final int LIMIT_MAX = 1000;

  private final Vertx vertx;
  private final SimulatedOrg org;
  private final FaultInjector faults;
  private final RequestLog requests;
  private final SimulatedAuth auth;

  PeopleApi(Vertx vertx, SimulatedOrg org, FaultInjector faults, RequestLog requests, SimulatedAuth auth) {
    this.vertx = vertx;
    this.org = org;
    this.faults = faults;
    this.requests = requests;
    this.auth = auth;
  }

  void mount(Router router) {
    router.get("/v1/people").handler(this::guard).handler(this::list);
    router.get("/v1/people/:personId").handler(this::guard).handler(this::one);
    router.post("/v1/access_token").handler(BodyHandler.create(false).setBodyLimit(16 * 1024)).handler(this::guard)
        .handler(this::accessToken);
  }

  /** The OAuth refresh grant, form-encoded like Webex's; no bearer token needed (the guard skips it). */
  private void accessToken(RoutingContext ctx) {
    JsonObject answer = auth.refresh(ctx.request().formAttributes());
    JsonObject body = answer.getJsonObject("body");
    if (answer.getInteger("status") != 200) {
      body.put("trackingId", ctx.<String>get(TRACKING_ID));
    }
    json(ctx.response().setStatusCode(answer.getInteger("status")), body);
  }

  /** Log, apply a pending fault (possibly after a delay), check the token; then the real handler. */
  private void guard(RoutingContext ctx) {
    Fault fault = faults.take(ctx.request().path()).orElse(null);
    RequestLog.Entry entry = requests.record(System.currentTimeMillis(), ctx.request().method().name(), ctx.request().uri(),
        fault == null ? null : fault.status());
    ctx.addHeadersEndHandler(v -> entry.answered(ctx.response().getStatusCode()));
    if (fault == null || fault.delayMs() == 0) {
      afterDelay(ctx, fault);
    } else {
      vertx.setTimer(fault.delayMs(), t -> afterDelay(ctx, fault));
    }
  }

  private void afterDelay(RoutingContext ctx, Fault fault) {
    if (ctx.response().closed()) {
      return; // the client gave up during the delay (its timeout): nothing to answer
    }
    if (fault != null && fault.status() != null) {
      if (fault.retryAfter() != null) {
        ctx.response().putHeader("Retry-After", fault.retryAfter());
      }
      webexError(ctx, fault.status(), "Injected fault: HTTP " + fault.status());
    } else if (!ctx.request().path().endsWith("/access_token") && !auth.accepts(ctx.request().getHeader("Authorization"))) {
      webexError(ctx, 401, "The request requires a valid access token set in the Authorization request header.");
    } else {
      ctx.next();
    }
  }

  private void list(RoutingContext ctx) {
    int max;
    int offset;
    try {
      max = maxParam(ctx.request().getParam("max"));
      offset = decodeCursor(ctx.request().getParam("cursor"));
    } catch (IllegalArgumentException e) {
      webexError(ctx, 400, e.getMessage());
      return;
    }
    int size = org.size();
    if ((long) offset + max < size) {
      ctx.response().putHeader("Link", "<" + nextUrl(ctx, max, offset + max) + ">; rel=\"next\"");
    }
    ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json;charset=UTF-8")
        .end(page(Math.min(offset, size), (int) Math.min((long) offset + max, size)));
  }

  /** {@code {"items":[…]}} from each person's cached JSON: the bytes JsonObject#encode would write. */
  private Buffer page(int from, int to) {
    Buffer body = Buffer.buffer(64 + (to - from) * 512).appendString("{\"items\":[");
    for (int i = from; i < to; i++) {
      if (i > from) {
        body.appendByte((byte) ',');
      }
      body.appendBuffer(org.personJson(i));
    }
    return body.appendString("]}");
  }

  private void one(RoutingContext ctx) {
    org.get(ctx.pathParam("personId")).ifPresentOrElse(
        p -> json(ctx.response().setStatusCode(200), p.toJson()),
        () -> webexError(ctx, 404, "Person not found."));
  }

  private String nextUrl(RoutingContext ctx, int max, int nextOffset) {
    HostAndPort authority = ctx.request().authority();
    String host = authority == null ? "127.0.0.1" : authority.host() + (authority.port() > 0 ? ":" + authority.port() : "");
    return "http://" + host + "/v1/people?max=" + max + "&cursor=" + encodeCursor(nextOffset);
  }

  private static int maxParam(String raw) {
    if (raw == null) {
      return DEFAULT_MAX;
    }
    try {
      int max = Integer.parseInt(raw);
      if (max >= 1 && max <= LIMIT_MAX) {
        return max;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw new IllegalArgumentException("max must be an integer between 1 and " + LIMIT_MAX + ".");
  }

  /** Opaque to clients, like Webex's cursors: base64url of the offset. */
  static String encodeCursor(int offset) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("offset:" + offset).getBytes(StandardCharsets.US_ASCII));
  }

  private static int decodeCursor(String cursor) {
    if (cursor == null) {
      return 0;
    }
    try {
      String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
      if (decoded.startsWith("offset:")) {
        int offset = Integer.parseInt(decoded.substring(7));
        if (offset >= 0) {
          return offset;
        }
      }
    } catch (IllegalArgumentException e) {
      // NumberFormatException included: falls through to the error below
    }
    throw new IllegalArgumentException("Invalid cursor.");
  }

  /** A Webex-shaped error body: message, errors[].description and the request's tracking id. */
  static void webexError(RoutingContext ctx, int status, String message) {
    JsonObject body = new JsonObject().put("message", message)
        .put("errors", new JsonArray().add(new JsonObject().put("description", message)))
        .put("trackingId", ctx.<String>get(TRACKING_ID));
    json(ctx.response().setStatusCode(status), body);
  }

  static void json(HttpServerResponse response, JsonObject body) {
    response.putHeader("Content-Type", "application/json;charset=UTF-8").end(body.encode());
  }
}
