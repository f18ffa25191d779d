package io.presencegateway.http;

import io.presencegateway.event.Envelope;
import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceFilter;
import io.presencegateway.event.Timestamps;
import io.presencegateway.store.PresenceStore;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/** The read API (PRODUCT.md §5.4): current state in the envelope shape. */
public final class PresenceApi implements RouteMount {
  private final PresenceStore store;

  public PresenceApi(PresenceStore store) {
    this.store = store;
  }

  @Override
  public void mount(Router router) {
    router.get("/v1/presence").handler(this::all);
    router.get("/v1/presence/:personId").handler(this::one);
  }

  private void all(RoutingContext ctx) {
    PresenceFilter filter = filterOf(ctx);
    store.states().onSuccess(states -> {
      List<PersonState> items = states.values().stream().filter(filter)
          .sorted(Comparator.comparing(PersonState::id)).toList();
      send(ctx, items);
    }).onFailure(ctx::fail);
  }

  private void one(RoutingContext ctx) {
    watchedPerson(store, ctx.pathParam("personId")).onSuccess(state -> send(ctx, List.of(state))).onFailure(ctx::fail);
  }

  /** The stored state of a watched person: 400 for a malformed id, 404 for someone not watched (yet). */
  static io.vertx.core.Future<PersonState> watchedPerson(PresenceStore store, String id) {
    if (!PersonIds.isValid(id)) {
      return io.vertx.core.Future.failedFuture(ApiError.badRequest("'" + id + "' is not a Webex person id"));
    }
    return store.state(id).compose(state -> state.isPresent() ? io.vertx.core.Future.succeededFuture(state.get())
        : io.vertx.core.Future.failedFuture(ApiError.notFound("person " + id + " is not watched or has no presence yet")));
  }


  static PresenceFilter filterOf(RoutingContext ctx) {
    try {
      return PresenceFilter.parse(ctx.request().getParam("ids"), ctx.request().getParam("statuses"));
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(e.getMessage());
    }
  }

  /** A snapshot envelope: same shape as an event, {@code timestamp} = when it was read. */
  static void send(RoutingContext ctx, List<PersonState> items) {
    String orgId = items.isEmpty() ? "" : items.get(0).orgId();
    byte[] body = Envelope.write(orgId, Timestamps.format(Instant.now()), items);
    ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store")
        .end(io.vertx.core.buffer.Buffer.buffer(body));
  }
}
