package io.presencegateway.http;

import io.presencegateway.config.GatewayConfig.Watch;
import io.presencegateway.poll.WatchlistEditor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The watch list at run time (PRODUCT.md §2): {@code GET}, {@code PUT} (replace: {@code {"ids": [...]}}
 * or {@code {"mode": "org"}}), {@code POST} (add ids) on {@code /v1/watchlist}, and
 * {@code DELETE /v1/watchlist/{personId}}. Every answer is the list now stored,
 * {@code {"mode": "org"|"ids", "ids": [...]}}; the next poll cycle of whichever instance polls uses it.
 */
public final class WatchlistApi implements RouteMount {
  private final WatchlistEditor editor;

  public WatchlistApi(WatchlistEditor editor) {
    this.editor = editor;
  }

  @Override
  public void mount(Router router) {
    router.get("/v1/watchlist").handler(ctx -> answer(ctx, editor::current));
    router.put("/v1/watchlist").handler(ctx -> {
      Watch next = replacement(body(ctx));
      answer(ctx, () -> editor.replace(next));
    });
    router.post("/v1/watchlist").handler(ctx -> {
      List<String> ids = ids(body(ctx));
      answer(ctx, () -> editor.add(ids));
    });
    router.delete("/v1/watchlist/:personId").handler(this::remove);
  }

  private void remove(RoutingContext ctx) {
    String id = ctx.pathParam("personId");
    safely(() -> editor.remove(id)).onSuccess(removed -> {
      if (removed) {
        ctx.response().setStatusCode(204).end();
      } else {
        ErrorMapper.send(ctx, ApiError.notFound("person " + id + " is not on the watch list"));
      }
    }).onFailure(e -> fail(ctx, e));
  }

  private void answer(RoutingContext ctx, Supplier<Future<Watch>> action) {
    safely(action).onSuccess(watch -> ctx.response().putHeader("Cache-Control", "no-store").putHeader("Content-Type", "application/json")
        .end(json(watch).encode())).onFailure(e -> fail(ctx, e));
  }

  /** The editor validates eagerly: a refusal thrown before its future exists becomes a failure too. */
  private static <T> Future<T> safely(Supplier<Future<T>> action) {
    try {
      return action.get();
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static void fail(RoutingContext ctx, Throwable e) {
    if (e instanceof WatchlistEditor.Refused refused) {
      if (refused.retryable() && !ctx.response().headWritten()) {
        ctx.response().putHeader("Retry-After", "1");
      }
      ErrorMapper.send(ctx, refused.conflict() ? new ApiError(409, "conflict", refused.getMessage())
          : ApiError.badRequest(refused.getMessage()));
    } else {
      ctx.fail(e);
    }
  }

  static JsonObject json(Watch watch) {
    return new JsonObject().put("mode", watch.org() ? "org" : "ids").put("ids", new JsonArray(watch.ids()));
  }

  private static Watch replacement(JsonObject body) {
    Object mode = body.getValue("mode");
    if ("org".equals(mode)) {
      if (body.containsKey("ids")) {
        throw ApiError.badRequest("give either {\"mode\": \"org\"} or {\"ids\": [...]}, not both");
      }
      return Watch.wholeOrg();
    }
    if (mode != null && !"ids".equals(mode)) {
      throw ApiError.badRequest("'mode' must be \"org\" or \"ids\"");
    }
    return new Watch(false, ids(body));
  }

  private static List<String> ids(JsonObject body) {
    if (!(body.getValue("ids") instanceof JsonArray array)) {
      throw ApiError.badRequest("body must be {\"ids\": [\"<personId>\", ...]}" );
    }
    List<String> ids = new ArrayList<>(array.size());
    for (Object id : array) {
      if (!(id instanceof String s)) {
        throw ApiError.badRequest("every id must be a string, got " + id);
      }
      ids.add(s);
    }
    return ids;
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body != null) {
        return body;
      }
    } catch (RuntimeException e) {
      // answered below
    }
    throw ApiError.badRequest("body must be a JSON object: {\"ids\": [...]} or {\"mode\": \"org\"}");
  }
}
