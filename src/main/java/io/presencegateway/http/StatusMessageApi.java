package io.presencegateway.http;

import io.presencegateway.event.PersonIds;
import io.presencegateway.event.StatusKinds;
import io.presencegateway.store.PresenceStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;

/**
 * Stored status messages (PRODUCT.md §2): one message per person and status kind, shown while the
 * person is in that status. A change for the person's current status is picked up by the next
 * poll cycle and emitted like any other change. Every cycle reads all stored messages, so they are
 * bounded: {@value #MAX_MESSAGE_CHARS} characters and {@value #MAX_MESSAGE_BYTES} UTF-8 bytes each,
 * {@value #MAX_PER_PERSON} per person, {@code STATUS_MESSAGES_MAX} in all (409 beyond, checked by the
 * store in the same step as the write, so concurrent PUTs on several instances cannot overshoot).
 */
public final class StatusMessageApi implements RouteMount {
  /** Long enough for any human status line, short enough to keep envelopes small. */
  static final int MAX_MESSAGE_CHARS = 1000;
  /** The same bound in bytes (UTF-8): what every poll cycle reads and every envelope carries. */
  static final int MAX_MESSAGE_BYTES = 2000;
  /** Webex has nine documented statuses; room for new ones, but no unbounded growth per person. */
  static final int MAX_PER_PERSON = 32;

  private final PresenceStore store;
  private final int maxTotal;

  /** @param maxTotal most messages stored in all ({@code STATUS_MESSAGES_MAX}): every poll cycle reads them all */
  public StatusMessageApi(PresenceStore store, int maxTotal) {
    this.store = store;
    this.maxTotal = maxTotal;
  }

  @Override
  public void mount(Router router) {
    router.get("/v1/people/:personId/status-messages").handler(this::list);
    router.put("/v1/people/:personId/status-messages/:status").handler(this::put);
    router.delete("/v1/people/:personId/status-messages/:status").handler(this::delete);
  }

  private void list(RoutingContext ctx) {
    String id = personId(ctx);
    store.statusMessages(id).onSuccess(messages -> ctx.json(new JsonObject()
        .put("personId", id).put("statusMessages", new JsonObject(new java.util.LinkedHashMap<>(messages)))))
        .onFailure(ctx::fail);
  }

  private void put(RoutingContext ctx) {
    String id = personId(ctx);
    String status = status(ctx);
    String message = message(ctx);
    store.putStatusMessage(id, status, message, MAX_PER_PERSON, maxTotal).compose(outcome -> switch (outcome) {
      case STORED -> Future.<Void>succeededFuture();
      case PERSON_FULL -> Future.<Void>failedFuture(new ApiError(409, "too_many_messages",
          "a person holds at most " + MAX_PER_PERSON + " stored status messages; delete one first"));
      case STORE_FULL -> Future.<Void>failedFuture(new ApiError(409, "too_many_messages",
          "the gateway holds at most " + maxTotal + " stored status messages in all (STATUS_MESSAGES_MAX); delete some first"));
    })
        .onSuccess(v -> ctx.json(new JsonObject().put("personId", id).put("status", status).put("statusMessage", message)))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    String id = personId(ctx);
    String status = status(ctx);
    store.deleteStatusMessage(id, status).onSuccess(removed -> {
      if (removed) {
        ctx.response().setStatusCode(204).end();
      } else {
        ErrorMapper.send(ctx, ApiError.notFound("no status message stored for " + status));
      }
    }).onFailure(ctx::fail);
  }

  private static String personId(RoutingContext ctx) {
    String id = ctx.pathParam("personId");
    if (!PersonIds.isValid(id)) {
      throw ApiError.badRequest("'" + id + "' is not a Webex person id");
    }
    return id;
  }

  private static String status(RoutingContext ctx) {
    String raw = ctx.pathParam("status");
    return StatusKinds.canonical(raw).orElseThrow(() -> ApiError.badRequest(
        "'" + raw + "' is not a status: use a Webex status (e.g. DoNotDisturb) or avl, dnd, busy, oof"));
  }

  private static String message(RoutingContext ctx) {
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
    } catch (RuntimeException e) {
      throw ApiError.badRequest("body must be a JSON object like {\"statusMessage\": \"In a meeting\"}");
    }
    if (body == null || !(body.getValue("statusMessage") instanceof String)) {
      throw ApiError.badRequest("body must be a JSON object with a string \"statusMessage\"");
    }
    String message = body.getString("statusMessage").trim();
    if (message.length() > MAX_MESSAGE_CHARS) {
      throw ApiError.badRequest("statusMessage is longer than " + MAX_MESSAGE_CHARS + " characters");
    }
    if (message.getBytes(StandardCharsets.UTF_8).length > MAX_MESSAGE_BYTES) {
      throw ApiError.badRequest("statusMessage is longer than " + MAX_MESSAGE_BYTES + " bytes (UTF-8)");
    }
    return message;
  }
}
