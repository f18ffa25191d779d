package io.presencegateway.webhook;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.RawSettings;
import io.presencegateway.config.Setting;
import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.poll.PresenceDiff;
import io.presencegateway.store.PresenceStore;
import io.presencegateway.store.WebhookStores;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.presencegateway.store.redis.RedisPresenceStore;
import io.presencegateway.store.redis.RedisWebhookStores;
import io.presencegateway.testsupport.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Shared set-up of the webhook delivery tests: config, store, events, waiting with a deadline. */
final class WebhookTestSupport {
  static final String ORG = PersonIds.orgId("us", UUID.fromString("171117d6-8b82-44ca-98e9-ac1157f2cd1d"));

  private WebhookTestSupport() {
  }

  static JsonObject receiver(String url, String secret) {
    return new JsonObject().put("url", url).put("secret", secret);
  }

  /** Test settings: loopback allowed, short retries, 1 s timeout unless overridden by {@code more}. */
  static GatewayConfig config(JsonArray receivers, Object... more) {
    RawSettings raw = RawSettings.defaults()
        .with(Setting.WEBHOOKS, receivers)
        .with(Setting.WEBHOOK_ALLOW_PRIVATE_TARGETS, "true")
        .with(Setting.WEBHOOK_RETRY_SCHEDULE, "100ms,200ms")
        .with(Setting.WEBHOOK_TIMEOUT_MS, "1000");
    for (int i = 0; i < more.length; i += 2) {
      raw = raw.with((Setting) more[i], more[i + 1]);
    }
    return GatewayConfig.from(raw);
  }

  static MemoryPresenceStore store(Vertx vertx) {
    return new MemoryPresenceStore(vertx, 1000);
  }

  static Future<WebhookVerticle> deploy(Vertx vertx, GatewayConfig config, MemoryPresenceStore store) {
    WebhookVerticle v = new WebhookVerticle(new GatewayServices(config, store, new PollStatus()));
    return vertx.deployVerticle(v).map(id -> v);
  }

  /** The stores the delivery tests that matter most run on: each on both, Redis being what a cluster uses. */
  enum Backend { MEMORY, REDIS }

  /** Where a test emits its events (presence) and where the webhook verticle keeps its jobs, on one backend. */
  record Stores(PresenceStore presence, WebhookStores webhooks) { }

  /** Fresh stores; with Redis the shared test server is flushed first and its delivery group made before any event. */
  static Stores stores(Vertx vertx, Backend backend) throws Exception {
    if (backend == Backend.MEMORY) {
      return new Stores(store(vertx), WebhookStores.memory());
    }
    TestRedis.get().flushAll();
    GatewayConfig.Store config = new GatewayConfig.Store(TestRedis.get().url(), 10_000, 2_000);
    PresenceStore presence = RedisPresenceStore.create(vertx, config);
    // in a gateway the poller's silent baseline cycle runs first; here events come at once, and the
    // consumer group starts at the end of the log, so it must exist before the first one
    await(presence.claimForDelivery("test-setup", 1, 0));
    return new Stores(presence, RedisWebhookStores.create(vertx, config));
  }

  static Future<WebhookVerticle> deploy(Vertx vertx, GatewayConfig config, Stores stores) {
    WebhookVerticle v = new WebhookVerticle(new GatewayServices(config, stores.presence(), new PollStatus(), stores.webhooks()));
    return vertx.deployVerticle(v).map(id -> v);
  }

  static String person() {
    return PersonIds.personId("us", UUID.randomUUID());
  }

  static PersonState state(String personId, String status, String message) {
    return new PersonState(personId, status, message, "2025-08-15T16:42:27.199Z", "2025-06-05T13:24:42.790Z", ORG, "N", null);
  }

  /** Appends one event with these changes, as the poller would. */
  static PresenceEvent emit(PresenceStore store, PersonState... changed) throws Exception {
    List<PresenceDiff.Change> changes = Arrays.stream(changed).map(s -> new PresenceDiff.Change(null, s)).toList();
    List<PresenceEvent> events = await(store.apply(0, Instant.now(), new PresenceDiff.Result(changes, List.of(), List.of(), Set.of())));
    if (events.size() != 1) {
      throw new IllegalStateException("expected one event, got " + events);
    }
    return events.get(0);
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Waits, without sleeping the thread, until {@code condition} holds; fails after {@code timeoutMs}. */
  static void until(Vertx vertx, long timeoutMs, String what, BooleanSupplier condition) throws Exception {
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + timeoutMs;
    long timer = vertx.setPeriodic(10, id -> {
      if (condition.getAsBoolean()) {
        done.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        done.tryFail(new AssertionError("timed out after " + timeoutMs + " ms waiting for: " + what));
      }
    });
    try {
      done.future().toCompletionStage().toCompletableFuture().get(timeoutMs + 5_000, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof AssertionError a) {
        throw a;
      }
      throw e;
    } finally {
      vertx.cancelTimer(timer);
    }
  }

  /** Lets {@code ms} pass on a Vert.x timer (to show that something does NOT happen in that time). */
  static void quietFor(Vertx vertx, long ms) throws Exception {
    Promise<Void> p = Promise.promise();
    vertx.setTimer(ms, t -> p.complete());
    await(p.future());
  }
}
