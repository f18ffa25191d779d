package io.presencegateway.http;

import io.presencegateway.store.StoreFailures;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The one failure handler of the HTTP surface: typed failures become their status and a JSON body
 * {@code {"error":{"code","message"}}}; anything unexpected is logged once and becomes a 500 that
 * reveals nothing internal.
 */
public final class ErrorMapper {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

  private ErrorMapper() {
  }

  /** Seconds a client is asked to wait when the store is unreachable. */
  static final int STORE_RETRY_AFTER_S = 5;
  private static final long STORE_LOG_EVERY_MS = 10_000;
  private static final AtomicLong lastStoreWarning = new AtomicLong();

  public static void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure != null && !(failure instanceof ApiError) && StoreFailures.isUnavailable(failure)) {
      storeUnavailable(ctx, failure);
      return;
    }
    if (failure instanceof io.vertx.core.http.HttpClosedException || ctx.response().closed()) {
      // the client went away mid-request (an aborted body): nobody to answer, nothing broke here
      LOG.debug("Request {} {} ended by the client: {}", ctx.request().method(), ctx.request().path(), String.valueOf(failure));
      return;
    }
    ApiError error = toApiError(ctx.statusCode(), failure);
    if (error.status() >= 500) {
      LOG.error("Request {} {} failed", ctx.request().method(), ctx.request().path(), redacted(failure));
    }
    send(ctx, error);
  }

  /**
   * The failure as logged: same class name, stack and causes, with every message passed through
   * {@link Redaction#text} (an exception may quote the request's URL, query and token included).
   */
  static Throwable redacted(Throwable failure) {
    return failure == null ? null : new Redacted(failure, 0);
  }

  /** Logged as {@code ErrorMapper$Redacted: <original class>: <redacted message>}, with the original stack. */
  private static final class Redacted extends RuntimeException {
    Redacted(Throwable t, int depth) {
      super(t.getClass().getName() + (t.getMessage() == null ? "" : ": " + Redaction.text(t.getMessage())),
          t.getCause() == null || depth >= 8 ? null : new Redacted(t.getCause(), depth + 1), false, true);
      setStackTrace(t.getStackTrace());
    }
  }

  /** Redis down or stalled: 503 with Retry-After, and one warning line per interval, not one per request. */
  private static void storeUnavailable(RoutingContext ctx, Throwable failure) {
    long now = System.currentTimeMillis();
    long last = lastStoreWarning.get();
    if (now - last >= STORE_LOG_EVERY_MS && lastStoreWarning.compareAndSet(last, now)) {
      LOG.warn("Store unavailable, answering 503 (this line repeats at most every {} s): {}", STORE_LOG_EVERY_MS / 1000, failure.toString());
    }
    if (!ctx.response().headWritten()) {
      ctx.response().putHeader("Retry-After", Integer.toString(STORE_RETRY_AFTER_S));
    }
    send(ctx, new ApiError(503, "store_unavailable", "the store is unreachable right now; retry in a few seconds"));
  }

  public static void send(RoutingContext ctx, ApiError error) {
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    JsonObject body = new JsonObject().put("error", new JsonObject().put("code", error.code()).put("message", error.getMessage()));
    ctx.response().setStatusCode(error.status()).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static ApiError toApiError(int status, Throwable failure) {
    if (failure instanceof ApiError) {
      return (ApiError) failure;
    }
    if (failure instanceof DecodeException) {
      return ApiError.badRequest("body is not valid JSON");
    }
    if (failure == null && status >= 400 && status < 500) {
      return new ApiError(status, codeFor(status), messageFor(status));
    }
    return new ApiError(500, "internal", "internal error");
  }

  private static String codeFor(int status) {
    switch (status) {
      case 404: return "not_found";
      case 405: return "method_not_allowed";
      case 413: return "payload_too_large";
      case 401: return "unauthorized";
      default: return "bad_request";
    }
  }

  private static String messageFor(int status) {
    switch (status) {
      case 404: return "no such resource";
      case 405: return "method not allowed on this resource";
      case 413: return "request body too large";
      case 401: return "missing or invalid API key";
      default: return "bad request";
    }
  }
}
