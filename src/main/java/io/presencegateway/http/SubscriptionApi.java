package io.presencegateway.http;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.event.EventId;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.event.PresenceFilter;
import io.presencegateway.event.Timestamps;
import io.presencegateway.store.DeliveryStore;
import io.presencegateway.store.Subscription;
import io.presencegateway.store.SubscriptionStore;
import io.presencegateway.webhook.Receiver;
import io.presencegateway.webhook.SubscriptionJobs;
import io.presencegateway.webhook.TargetGuard;
import io.presencegateway.webhook.TargetRefusedException;
import io.presencegateway.webhook.WebhookSigner;
import io.presencegateway.webhook.WebhookVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * {@code /v1/subscriptions}: webhook subscriptions (PRODUCT.md §5.1). A secret is returned once, when
 * it is made (create, rotate-secret), never by a read. Targets pass the SSRF {@link TargetGuard} here
 * (and again at every connect). The static {@code WEBHOOK_URL}/{@code WEBHOOKS} receivers are listed
 * as read-only built-in subscriptions ({@code static-N}).
 */
public final class SubscriptionApi implements RouteMount {
  static final String BASE = "/v1/subscriptions";
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Set<String> FIELDS = Set.of("targetUrl", "secret", "ids", "statuses", "description", "enabled");
  private static final int MAX_URL = 2048;
  private static final int MAX_DESCRIPTION = 500;
  private static final int MAX_PAGE = 100;
  private static final int DEFAULT_PAGE = 50;
  private static final long DEFAULT_OVERLAP_S = 24 * 3600;
  private static final long MAX_OVERLAP_S = 7 * 24 * 3600;
  private static final int REPLAY_PAGE = 1000;
  private static final int REPLAY_MAX_PAGES = 20;

  private final Vertx vertx;
  private final GatewayServices services;
  private final TargetGuard guard;
  private final List<Receiver> builtIns = new ArrayList<>();

  public SubscriptionApi(Vertx vertx, GatewayServices services) {
    this.vertx = vertx;
    this.services = services;
    GatewayConfig.Webhooks config = services.config().webhooks();
    this.guard = new TargetGuard(config.allowPrivateTargets());
    for (int i = 0; i < config.receivers().size(); i++) {
      builtIns.add(Receiver.fromStatic(i, config.receivers().get(i)));
    }
  }

  @Override
  public void mount(Router router) {
    router.post(BASE).handler(ctx -> answer(ctx, create(body(ctx)), 201));
    router.get(BASE).handler(this::list);
    router.get(BASE + "/:id").handler(ctx -> answer(ctx, find(ctx).map(this::view), 200));
    router.put(BASE + "/:id").handler(ctx -> answer(ctx, update(ctx), 200));
    router.patch(BASE + "/:id").handler(ctx -> answer(ctx, update(ctx), 200));
    router.delete(BASE + "/:id").handler(this::delete);
    router.post(BASE + "/:id/rotate-secret").handler(ctx -> answer(ctx, rotate(ctx), 200));
    router.post(BASE + "/:id/test").handler(ctx -> answer(ctx, test(ctx), 200));
    router.get(BASE + "/:id/deliveries").handler(ctx -> answer(ctx, deliveries(ctx), 200));
    router.post(BASE + "/:id/replay").handler(ctx -> answer(ctx, replay(ctx), 202));
  }

  private SubscriptionStore subscriptions() {
    return services.webhooks().subscriptions();
  }

  private DeliveryStore deliveries() {
    return services.webhooks().deliveries();
  }

  // ---- create, read, update, delete ----

  private Future<JsonObject> create(JsonObject body) {
    checkFields(body);
    URI url = targetUrl(body.getValue("targetUrl"));
    String secret = body.getValue("secret") == null ? WebhookSigner.generateSecret() : secret(body.getValue("secret"));
    List<String> ids = strings(body, "ids");
    List<String> statuses = strings(body, "statuses");
    filter(ids, statuses);
    String description = description(body.getValue("description"));
    Subscription s = new Subscription("sub_" + UUID.randomUUID().toString().replace("-", ""), url.toString(), secret, null, 0,
        ids, statuses, description, true, null, System.currentTimeMillis(), 0);
    return checkTarget(url).compose(v -> subscriptions().put(s)).map(v -> view(s).put("secret", secret));
  }

  private Future<Subscription> find(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      return Future.failedFuture(ApiError.notFound("no subscription '" + shorten(id) + "'"));
    }
    int builtIn = builtInIndex(id);
    if (builtIn >= 0) {
      return Future.succeededFuture(builtInView(builtIns.get(builtIn)));
    }
    return subscriptions().get(id).compose(s -> s.map(Future::succeededFuture)
        .orElseGet(() -> Future.failedFuture(ApiError.notFound("no subscription '" + id + "'"))));
  }

  /**
   * Partial: only the fields given change. Re-enabling clears the failure run and the reason. The
   * edit is applied with a compare-and-set on the subscription as stored when it is written, so
   * delivery bookkeeping written meanwhile (failure run, auto-disable) is kept, and a subscription
   * deleted meanwhile is answered 404, not written back.
   */
  private Future<JsonObject> update(RoutingContext ctx) {
    JsonObject body = body(ctx);
    checkFields(body);
    if (body.containsKey("secret")) {
      throw ApiError.badRequest("the secret is changed with POST " + BASE + "/{id}/rotate-secret");
    }
    return mutable(ctx).compose(found -> {
      URI url = body.containsKey("targetUrl") ? targetUrl(body.getValue("targetUrl")) : null;
      List<String> ids = body.containsKey("ids") ? strings(body, "ids") : null;
      List<String> statuses = body.containsKey("statuses") ? strings(body, "statuses") : null;
      filter(ids == null ? List.of() : ids, statuses == null ? List.of() : statuses);
      String description = body.containsKey("description") ? description(body.getValue("description")) : null;
      Boolean enabled = body.containsKey("enabled") ? bool(body.getValue("enabled"), "enabled") : null;
      Future<Void> check = url != null ? checkTarget(url) : Future.succeededFuture();
      return check.compose(v -> subscriptions().update(found.id(), s -> new Subscription(s.id(),
              url != null ? url.toString() : s.targetUrl(), s.secret(), s.previousSecret(), s.previousSecretUntilMs(),
              ids != null ? ids : s.ids(), statuses != null ? statuses : s.statuses(),
              body.containsKey("description") ? description : s.description(),
              enabled != null ? enabled : s.enabled(), disabledReason(s, enabled), s.createdAtMs(),
              enabled != null && enabled && !s.enabled() ? 0 : s.failingSinceMs())))
          .compose(updated -> stillThere(found.id(), updated)).map(this::view);
    });
  }

  private static String disabledReason(Subscription s, Boolean enabled) {
    if (enabled == null) {
      return s.disabledReason();
    }
    return enabled ? null : (s.enabled() ? "disabled through the API" : s.disabledReason());
  }

  /** The result of an update, or 404 when the subscription was deleted before it could be written. */
  private static Future<Subscription> stillThere(String id, Optional<Subscription> updated) {
    return updated.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(ApiError.notFound("no subscription '" + id + "'")));
  }

  private void delete(RoutingContext ctx) {
    mutable(ctx)
        .compose(s -> subscriptions().delete(s.id()).compose(v -> deliveries().dropSubscription(s.id())))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    int max = intParam(ctx, "max", DEFAULT_PAGE, 1, MAX_PAGE);
    String cursor = ctx.request().getParam("cursor");
    // the page is made in map(), not onSuccess(): an unknown cursor must fail the request (400), and
    // with a store that answers later (Redis) an exception thrown in onSuccess reaches no handler
    subscriptions().list().map(stored -> {
      List<Subscription> all = new ArrayList<>();
      builtIns.forEach(r -> all.add(builtInView(r)));
      all.addAll(stored);
      int from = 0;
      if (cursor != null) {
        from = indexAfter(all, cursor);
      }
      List<Subscription> page = all.subList(from, Math.min(all.size(), from + max));
      JsonArray items = new JsonArray();
      page.forEach(s -> items.add(view(s)));
      String next = from + max < all.size() ? page.get(page.size() - 1).id() : null;
      return new JsonObject().put("items", items).put("nextCursor", next);
    }).onSuccess(body -> {
      String next = body.getString("nextCursor");
      if (next != null) {
        ctx.response().putHeader("Link", "<" + BASE + "?max=" + max + "&cursor=" + next + ">; rel=\"next\"");
      }
      json(ctx, 200, body);
    }).onFailure(ctx::fail);
  }

  private static int indexAfter(List<Subscription> all, String cursor) {
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).id().equals(cursor)) {
        return i + 1;
      }
    }
    throw ApiError.badRequest("cursor '" + shorten(cursor) + "' is not a subscription of this listing");
  }

  // ---- secret rotation, test, attempt log, replay ----

  private Future<JsonObject> rotate(RoutingContext ctx) {
    JsonObject body = body(ctx);
    for (String f : body.fieldNames()) {
      if (!f.equals("secret") && !f.equals("overlapSeconds")) {
        throw ApiError.badRequest("unknown field '" + shorten(f) + "' (allowed: secret, overlapSeconds)");
      }
    }
    String secret = body.getValue("secret") == null ? WebhookSigner.generateSecret() : secret(body.getValue("secret"));
    long overlap = longField(body, "overlapSeconds", DEFAULT_OVERLAP_S, 0, MAX_OVERLAP_S);
    long until = System.currentTimeMillis() + overlap * 1000;
    return mutable(ctx).compose(found -> subscriptions().update(found.id(), s -> s.rotated(secret, until))
        .compose(rotated -> stillThere(found.id(), rotated))
        .map(rotated -> view(rotated).put("secret", secret)));
  }

  /** One signed POST now, made by this instance's webhook verticle; the answer is its outcome. */
  private Future<JsonObject> test(RoutingContext ctx) {
    long timeout = services.config().webhooks().timeoutMs() + 10_000L;
    return find(ctx).compose(s -> vertx.eventBus()
        .<JsonObject>request(WebhookVerticle.TEST_ADDRESS, new JsonObject().put("subscriptionId", s.id()),
            new DeliveryOptions().setSendTimeout(timeout))
        .map(m -> m.body())
        .recover(e -> Future.failedFuture(e instanceof ReplyException r && r.failureCode() == 404
            ? ApiError.notFound("no subscription '" + s.id() + "'")
            : new ApiError(503, "unavailable", "the webhook sender did not answer"))));
  }

  private Future<JsonObject> deliveries(RoutingContext ctx) {
    int max = intParam(ctx, "max", DEFAULT_PAGE, 1, MAX_PAGE);
    return find(ctx).compose(s -> Future.all(deliveries().attempts(s.id(), max), deliveries().deadLetters(s.id(), max))
        .map(all -> {
          List<JsonObject> attempts = all.resultAt(0);
          List<JsonObject> dead = all.resultAt(1);
          JsonArray deadOut = new JsonArray();
          dead.forEach(d -> deadOut.add(new JsonObject().put("eventId", d.getString("eventId"))
              .put("attempts", d.getInteger("attempts")).put("reason", d.getString("reason"))
              .put("deadAt", Timestamps.format(Instant.ofEpochMilli(d.getLong("deadAtMs", 0L))))));
          return new JsonObject().put("items", new JsonArray(new ArrayList<>(attempts))).put("deadLetters", deadOut);
        }));
  }

  /**
   * {@code {"deadLetters": true}} queues the dead letters again, except those a newer state of each of
   * their people has superseded ({@code skipped}); {@code {"since": "<ISO time>"}} the events since then
   * (an event older than a state already delivered is superseded when its turn comes), at most
   * {@link #REPLAY_MAX_PAGES} × {@link #REPLAY_PAGE} of them per call: when more are left the answer
   * says {@code "truncated": true} and gives {@code nextSince}, the time to replay from next.
   */
  private Future<JsonObject> replay(RoutingContext ctx) {
    JsonObject body = body(ctx);
    boolean dead = body.containsKey("deadLetters") && bool(body.getValue("deadLetters"), "deadLetters");
    Object since = body.getValue("since");
    if (dead == (since != null) || body.fieldNames().stream().anyMatch(f -> !f.equals("deadLetters") && !f.equals("since"))) {
      throw ApiError.badRequest("give exactly one of {\"deadLetters\": true} or {\"since\": \"<ISO-8601 time>\"}");
    }
    long sinceMs = since == null ? 0 : instant(since).toEpochMilli();
    return find(ctx).compose(s -> {
      if (!s.enabled()) {
        return Future.failedFuture(new ApiError(409, "disabled", "subscription is disabled; enable it first"));
      }
      if (dead) {
        return deliveries().replayDeadLetters(s.id(), System.currentTimeMillis())
            .map(r -> new JsonObject().put("queued", r.queued()).put("skipped", r.skipped()));
      }
      return replaySince(s, new EventId(Math.max(0, sinceMs - 1), Long.MAX_VALUE).toString(), 0, 0).map(r -> {
        JsonObject out = new JsonObject().put("queued", r.queued()).put("truncated", r.nextSinceMs() != null);
        return r.nextSinceMs() == null ? out : out.put("nextSince", Timestamps.format(Instant.ofEpochMilli(r.nextSinceMs())));
      });
    });
  }

  /** What a replay since a time did: jobs queued, and where to go on when it stopped at its bound (else null). */
  private record SinceReplay(int queued, Long nextSinceMs) { }

  /**
   * Reads the event log from {@code afterId} page by page and queues what the subscription wants, at
   * most {@link #REPLAY_MAX_PAGES} pages. When the last of them is full and more events follow, the
   * events of its last millisecond are left for the next call, which starts at that millisecond
   * ({@code since} is inclusive and has millisecond precision): across the calls no event is queued
   * twice and none is missed. (Only a single millisecond holding more than a page of events, which no
   * poll cycle makes, could be queued again by the next call: same {@code webhook-id}, at least once.)
   */
  private Future<SinceReplay> replaySince(Subscription s, String afterId, int queued, int page) {
    Receiver receiver = s.id().startsWith("static-") ? builtIns.get(builtInIndex(s.id())) : Receiver.fromSubscription(s, 0);
    return services.store().readAfter(afterId, REPLAY_PAGE, 0).compose(events -> {
      if (events.isEmpty()) {
        return Future.succeededFuture(new SinceReplay(queued, null));
      }
      String last = events.get(events.size() - 1).id();
      if (events.size() < REPLAY_PAGE) {
        return queue(receiver, events, queued, null);
      }
      if (page + 1 < REPLAY_MAX_PAGES) {
        var jobs = SubscriptionJobs.forEvents(receiver, events);
        return deliveries().enqueue(jobs).compose(v -> replaySince(s, last, queued + jobs.size(), page + 1));
      }
      return services.store().readAfter(last, 1, 0).compose(more -> {
        if (more.isEmpty()) {
          return queue(receiver, events, queued, null);
        }
        long boundaryMs = EventId.parse(last).orElseThrow().millis();
        List<PresenceEvent> before = events.stream()
            .filter(e -> EventId.parse(e.id()).orElseThrow().millis() < boundaryMs).toList();
        return queue(receiver, before.isEmpty() ? events : before, queued, boundaryMs);
      });
    });
  }

  private Future<SinceReplay> queue(Receiver receiver, List<PresenceEvent> events, int queued, Long nextSinceMs) {
    var jobs = SubscriptionJobs.forEvents(receiver, events);
    return deliveries().enqueue(jobs).map(v -> new SinceReplay(queued + jobs.size(), nextSinceMs));
  }

  // ---- views ----

  /** A subscription as the API shows it: never a secret. */
  private JsonObject view(Subscription s) {
    JsonObject j = new JsonObject().put("id", s.id()).put("targetUrl", s.targetUrl()).put("description", s.description())
        .put("ids", new JsonArray(new ArrayList<>(s.ids()))).put("statuses", new JsonArray(new ArrayList<>(s.statuses())))
        .put("enabled", s.enabled()).put("builtIn", builtInIndex(s.id()) >= 0);
    if (s.disabledReason() != null) {
      j.put("disabledReason", s.disabledReason());
    }
    if (s.createdAtMs() > 0) {
      j.put("createdAt", Timestamps.format(Instant.ofEpochMilli(s.createdAtMs())));
    }
    if (s.previousSecret() != null && s.previousSecretUntilMs() > System.currentTimeMillis()) {
      j.put("previousSecretExpiresAt", Timestamps.format(Instant.ofEpochMilli(s.previousSecretUntilMs())));
    }
    if (s.failingSinceMs() > 0) {
      j.put("failingSince", Timestamps.format(Instant.ofEpochMilli(s.failingSinceMs())));
    }
    return j;
  }

  /** A static receiver in subscription shape; its secret stays out (view never shows one anyway). */
  private static Subscription builtInView(Receiver r) {
    return new Subscription(r.id(), r.url().toString(), "", null, 0,
        new ArrayList<>(r.filter().personKeys()), new ArrayList<>(r.filter().statuses()),
        "static receiver (WEBHOOK_URL/WEBHOOKS)", true, null, 0, 0);
  }

  private int builtInIndex(String id) {
    for (int i = 0; i < builtIns.size(); i++) {
      if (builtIns.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  private Future<Subscription> mutable(RoutingContext ctx) {
    return find(ctx).compose(s -> builtInIndex(s.id()) >= 0
        ? Future.failedFuture(new ApiError(409, "built_in",
            "'" + s.id() + "' is a static receiver (WEBHOOK_URL/WEBHOOKS): change it in the configuration"))
        : Future.succeededFuture(s));
  }

  // ---- validation ----

  private static JsonObject body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().length() == 0) {
      return new JsonObject();
    }
    Object parsed = ctx.body().asJsonObject();
    if (parsed == null) {
      throw ApiError.badRequest("body must be a JSON object");
    }
    return (JsonObject) parsed;
  }

  private static void checkFields(JsonObject body) {
    for (String f : body.fieldNames()) {
      if (!FIELDS.contains(f)) {
        throw ApiError.badRequest("unknown field '" + shorten(f) + "' (allowed: " + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
      }
    }
  }

  private URI targetUrl(Object value) {
    if (!(value instanceof String s) || s.isBlank()) {
      throw ApiError.badRequest("targetUrl is required: the http(s) URL that receives the webhooks");
    }
    if (s.length() > MAX_URL) {
      throw ApiError.badRequest("targetUrl is longer than " + MAX_URL + " characters");
    }
    try {
      URI url = new URI(s.trim());
      guard.checkStatic(url);
      return url;
    } catch (URISyntaxException e) {
      throw ApiError.badRequest("targetUrl is not a valid URL: " + e.getReason());
    } catch (TargetRefusedException e) {
      throw new ApiError(400, "target_refused", "targetUrl refused: " + e.getMessage());
    }
  }

  /** Resolves the host now, off the event loop: every address must pass the guard. */
  private Future<Void> checkTarget(URI url) {
    return guard.resolve(vertx, url).<Void>mapEmpty().recover(e -> Future.failedFuture(
        e instanceof TargetRefusedException ? new ApiError(400, "target_refused", "targetUrl refused: " + e.getMessage())
            : e instanceof UnknownHostException ? new ApiError(400, "target_unresolvable", "targetUrl host '" + url.getHost() + "' does not resolve")
            : e));
  }

  private static String secret(Object value) {
    if (!(value instanceof String s)) {
      throw ApiError.badRequest("secret must be a string: 'whsec_' + base64 of 16+ bytes");
    }
    try {
      WebhookSigner.decodeSecret(s);
      return s;
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("secret is invalid: " + e.getMessage());
    }
  }

  private static List<String> strings(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof JsonArray a)) {
      throw ApiError.badRequest(field + " must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (Object o : a) {
      if (!(o instanceof String s)) {
        throw ApiError.badRequest(field + " must be an array of strings");
      }
      out.add(s);
    }
    return out;
  }

  private static void filter(List<String> ids, List<String> statuses) {
    try {
      PresenceFilter.of(ids, statuses);
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest("filter: " + e.getMessage());
    }
  }

  private static String description(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || s.length() > MAX_DESCRIPTION) {
      throw ApiError.badRequest("description must be a string of at most " + MAX_DESCRIPTION + " characters");
    }
    return s;
  }

  private static boolean bool(Object value, String field) {
    if (!(value instanceof Boolean b)) {
      throw ApiError.badRequest(field + " must be true or false");
    }
    return b;
  }

  private static Instant instant(Object value) {
    try {
      return Instant.parse(String.valueOf(value));
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("since must be an ISO-8601 UTC time such as 2025-08-15T16:42:29.315Z");
    }
  }

  private static long longField(JsonObject body, String field, long dflt, long min, long max) {
    Object v = body.getValue(field);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number n) || n.longValue() < min || n.longValue() > max || n.doubleValue() != n.longValue()) {
      throw ApiError.badRequest(field + " must be a whole number from " + min + " to " + max);
    }
    return n.longValue();
  }

  private static int intParam(RoutingContext ctx, String name, int dflt, int min, int max) {
    String v = ctx.request().getParam(name);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiError.badRequest(name + " must be a whole number from " + min + " to " + max);
  }

  private static void answer(RoutingContext ctx, Future<JsonObject> result, int status) {
    result.onSuccess(j -> json(ctx, status, j)).onFailure(ctx::fail);
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
