package io.presencegateway.http;

import io.presencegateway.event.PersonState;
import io.presencegateway.store.PresenceStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Comparator;

/**
 * The people directory for dashboards: display name and primary e-mail of every watched person, as
 * the People API reported them while polling (no extra calls), with their current status.
 * {@code GET /v1/people} and {@code GET /v1/people/{personId}}. Never part of an event envelope.
 */
public final class PeopleDirectoryApi implements RouteMount {
  private final PresenceStore store;

  public PeopleDirectoryApi(PresenceStore store) {
    this.store = store;
  }

  @Override
  public void mount(Router router) {
    router.get("/v1/people").handler(this::all);
    router.get("/v1/people/:personId").handler(this::one);
  }

  private void all(RoutingContext ctx) {
    store.states().onSuccess(states -> {
      JsonArray items = new JsonArray();
      states.values().stream().sorted(Comparator.comparing(PersonState::id)).map(PeopleDirectoryApi::entry).forEach(items::add);
      send(ctx, new JsonObject().put("items", items));
    }).onFailure(ctx::fail);
  }

  private void one(RoutingContext ctx) {
    PresenceApi.watchedPerson(store, ctx.pathParam("personId")).onSuccess(state -> send(ctx, entry(state))).onFailure(ctx::fail);
  }


  static JsonObject entry(PersonState p) {
    return new JsonObject().put("id", p.id()).put("displayName", p.displayName()).put("email", p.email()).put("status", p.status());
  }

  private static void send(RoutingContext ctx, JsonObject body) {
    ctx.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(body.encode());
  }
}
