package io.presencegateway.simulator;

import io.presencegateway.event.PersonIds;
import io.presencegateway.event.Timestamps;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * The simulator's own control API under {@code /v1/simulator} (no token: it only listens on the
 * simulator's port, loopback by default): read, create, update and delete people, inject faults,
 * read the request log. Errors are {@code {"error":{"code","message"}}} with status 400/404.
 */
final class ControlApi {
  private static final String BASE = "/v1/simulator";
  private static final Set<String> PERSON_FIELDS =
      Set.of("status", "lastActivity", "lastModified", "displayName", "firstName", "lastName", "email", "orgId");

  private final SimulatedOrg org;
  private final FaultInjector faults;
  private final RequestLog requests;
  private final SimulatedAuth auth;

  ControlApi(SimulatedOrg org, FaultInjector faults, RequestLog requests, SimulatedAuth auth) {
    this.org = org;
    this.faults = faults;
    this.requests = requests;
    this.auth = auth;
  }

  void mount(Router router) {
    router.route(BASE + "/*").handler(BodyHandler.create(false).setBodyLimit(64 * 1024));
    router.get(BASE + "/people").handler(this::listPeople);
    router.put(BASE + "/people/:personId").handler(this::putPerson);
    router.delete(BASE + "/people/:personId").handler(this::deletePerson);
    router.get(BASE + "/faults").handler(ctx -> ok(ctx, 200, new JsonObject().put("items", faultsJson())));
    router.post(BASE + "/faults").handler(this::addFault);
    router.delete(BASE + "/faults").handler(ctx -> {
      faults.clear();
      ctx.response().setStatusCode(204).end();
    });
    router.get(BASE + "/oauth").handler(ctx -> ok(ctx, 200, auth.toJson()));
    router.put(BASE + "/oauth").handler(this::putOauth);
    router.post(BASE + "/oauth/expire").handler(ctx -> {
      auth.expireAll();
      ctx.response().setStatusCode(204).end();
    });
    router.get(BASE + "/requests").handler(ctx -> ok(ctx, 200, new JsonObject().put("items", requests.toJson())));
    router.delete(BASE + "/requests").handler(ctx -> {
      requests.clear();
      ctx.response().setStatusCode(204).end();
    });
  }

  private void listPeople(RoutingContext ctx) {
    JsonArray items = new JsonArray();
    org.list().forEach(p -> items.add(p.toJson()));
    ok(ctx, 200, new JsonObject().put("orgId", org.orgId()).put("items", items));
  }

  /** Create (with the id given) or update; every field optional, {@code "status": null} = no data. */
  private void putPerson(RoutingContext ctx) {
    String id = ctx.pathParam("personId");
    try {
      if (!PersonIds.isValid(id)) {
        throw new IllegalArgumentException("'" + id + "' is not a Webex person id (base64 of ciscospark://<region>/PEOPLE/<uuid>)");
      }
      JsonObject body = body(ctx);
      validate(body);
      SimPerson existing = org.get(id).orElse(null);
      SimPerson person = update(existing != null ? existing : created(id, body), body);
      org.put(person);
      ok(ctx, existing == null ? 201 : 200, person.toJson());
    } catch (IllegalArgumentException e) {
      error(ctx, 400, "bad_request", e.getMessage());
    }
  }

  /** {"clientId","clientSecret","refreshToken","expiresInS"}: the OAuth client the token endpoint serves. */
  private void putOauth(RoutingContext ctx) {
    try {
      JsonObject body = body(ctx);
      String id = required(body, "clientId");
      String secret = required(body, "clientSecret");
      String refresh = required(body, "refreshToken");
      Object life = body.getValue("expiresInS", 3600);
      if (!(life instanceof Number n) || n.longValue() < 1 || n.longValue() > 86_400) {
        throw new IllegalArgumentException("'expiresInS' must be an integer between 1 and 86400");
      }
      auth.configure(id, secret, refresh, n.longValue());
      ok(ctx, 200, auth.toJson());
    } catch (IllegalArgumentException e) {
      error(ctx, 400, "bad_request", e.getMessage());
    }
  }

  private static String required(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("'" + field + "' is required (a non-empty string)");
    }
    return s;
  }

  private void deletePerson(RoutingContext ctx) {
    if (org.remove(ctx.pathParam("personId"))) {
      ctx.response().setStatusCode(204).end();
    } else {
      error(ctx, 404, "not_found", "no simulated person with id " + ctx.pathParam("personId"));
    }
  }

  private void addFault(RoutingContext ctx) {
    try {
      Fault fault = Fault.fromJson(body(ctx));
      faults.add(fault);
      ok(ctx, 201, fault.toJson());
    } catch (IllegalArgumentException e) {
      error(ctx, 400, "bad_request", e.getMessage());
    }
  }

  private JsonArray faultsJson() {
    JsonArray items = new JsonArray();
    faults.pending().forEach(f -> items.add(f.toJson()));
    return items;
  }

  private SimPerson created(String id, JsonObject body) {
    String email = body.getString("email", "person-" + PersonIds.key(id).substring(0, 8) + "@example.com");
    String displayName = body.getString("displayName", email.substring(0, email.indexOf('@')));
    String now = Timestamps.format(Instant.now());
    int space = displayName.indexOf(' ');
    String first = space > 0 ? displayName.substring(0, space) : displayName;
    String last = space > 0 ? displayName.substring(space + 1) : "";
    return new SimPerson(id, List.of(email), displayName, first, last, org.orgId(), now, now, null, now);
  }

  private static SimPerson update(SimPerson p, JsonObject body) {
    SimPerson out = p;
    if (body.containsKey("status") || body.containsKey("lastActivity")) {
      out = out.withPresence(body.containsKey("status") ? body.getString("status") : out.status(),
          body.containsKey("lastActivity") ? Timestamps.normalise(body.getString("lastActivity")) : out.lastActivity());
    }
    if (body.containsKey("displayName")) {
      out = out.withDisplayName(body.getString("displayName"));
    }
    if (body.containsKey("orgId")) {
      out = out.withOrgId(body.getString("orgId"));
    }
    if (body.containsKey("lastModified")) {
      out = out.withLastModified(Timestamps.normalise(body.getString("lastModified")));
    }
    if (body.containsKey("firstName") || body.containsKey("lastName") || body.containsKey("email")) {
      out = new SimPerson(out.id(), body.containsKey("email") ? List.of(body.getString("email")) : out.emails(),
          out.displayName(), body.getString("firstName", out.firstName()), body.getString("lastName", out.lastName()),
          out.orgId(), out.created(), out.lastModified(), out.status(), out.lastActivity());
    }
    return out;
  }

  /** Unknown fields are refused so that a typo in a test cannot silently do nothing. */
  private static void validate(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!PERSON_FIELDS.contains(field)) {
        throw new IllegalArgumentException("unknown field '" + field + "' (known: " + PERSON_FIELDS + ")");
      }
      Object value = body.getValue(field);
      if (value != null && !(value instanceof String)) {
        throw new IllegalArgumentException("'" + field + "' must be a string");
      }
      if (value == null && !field.equals("status")) {
        throw new IllegalArgumentException("'" + field + "' cannot be null (only status can: it means no data)");
      }
    }
    timestamp(body, "lastActivity");
    timestamp(body, "lastModified");
    for (String text : List.of("displayName", "orgId", "email")) {
      if (body.containsKey(text) && body.getString(text).isBlank()) {
        throw new IllegalArgumentException("'" + text + "' cannot be blank");
      }
    }
    if (body.containsKey("email") && !body.getString("email").contains("@")) {
      throw new IllegalArgumentException("'email' must be an e-mail address");
    }
  }

  private static void timestamp(JsonObject body, String field) {
    if (body.containsKey(field)) {
      try {
        Instant.parse(body.getString(field));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("'" + field + "' must be an ISO-8601 instant like 2025-08-15T16:42:27.199Z");
      }
    }
  }

  private static JsonObject body(RoutingContext ctx) {
    try {
      Object parsed = ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
      if (parsed == null) {
        throw new IllegalArgumentException("the body must be a JSON object");
      }
      return (JsonObject) parsed;
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("the body must be a JSON object");
    }
  }

  private static void ok(RoutingContext ctx, int status, JsonObject body) {
    PeopleApi.json(ctx.response().setStatusCode(status), body);
  }

  private static void error(RoutingContext ctx, int status, String code, String message) {
    ok(ctx, status, new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)));
  }
}
