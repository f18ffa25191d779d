package io.presencegateway.http;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.RawSettings;
import io.presencegateway.config.Setting;
import io.presencegateway.event.LogRelayVerticle;
import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.event.PresenceEventCodec;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.poll.PresenceDiff;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * An in-process gateway for channel tests: memory store, log relay and one HTTP verticle on port 0,
 * with a handful of people whose presence the test changes directly in the store (as the poller
 * would). Blocking helpers are for the JUnit thread only.
 */
public final class TestGateway {
  public static final String ORG = PersonIds.orgId("us", UUID.fromString("00000000-0000-4000-8000-000000000001"));

  private final Vertx vertx;
  private final GatewayServices services;
  private final MemoryPresenceStore store;
  private final List<String> people = new ArrayList<>();
  private final Map<String, PersonState> current = new HashMap<>();
  private HttpVerticle http;

  private TestGateway(Vertx vertx, GatewayConfig config, int logCapacity) {
    this.vertx = vertx;
    this.store = new MemoryPresenceStore(vertx, logCapacity);
    this.services = new GatewayServices(config, store, new PollStatus());
  }

  public static GatewayConfig config(Map<Setting, Object> overrides) {
    return GatewayConfig.from(raw(overrides));
  }

  public static RawSettings raw(Map<Setting, Object> overrides) {
    RawSettings raw = RawSettings.defaults().with(Setting.HTTP_HOST, "127.0.0.1").with(Setting.HTTP_PORT, "0");
    for (Map.Entry<Setting, Object> e : overrides.entrySet()) {
      raw = raw.with(e.getKey(), e.getValue());
    }
    return raw;
  }

  /** Starts a gateway with {@code peopleCount} people already known (baselines, no events). */
  public static TestGateway start(Vertx vertx, Map<Setting, Object> overrides, int peopleCount, int logCapacity) throws Exception {
    return start(vertx, config(overrides), peopleCount, logCapacity);
  }

  /** A gateway with a configuration built by the test (e.g. for a given open-file limit). */
  public static TestGateway start(Vertx vertx, GatewayConfig config, int peopleCount, int logCapacity) throws Exception {
    TestGateway gw = new TestGateway(vertx, config, logCapacity);
    try {
      vertx.eventBus().registerCodec(new PresenceEventCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // one registration per Vert.x instance serves every gateway in it
    }
    gw.baselines(peopleCount);
    gw.http = new HttpVerticle(gw.services, 0);
    await(vertx.deployVerticle(new LogRelayVerticle(gw.store)).compose(id -> vertx.deployVerticle(gw.http)));
    return gw;
  }

  public static TestGateway start(Vertx vertx, Map<Setting, Object> overrides) throws Exception {
    return start(vertx, overrides, 5, 1000);
  }

  private void baselines(int count) throws Exception {
    List<PersonState> states = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = PersonIds.personId("us", new UUID(0x1234L, i + 1));
      PersonState s = new PersonState(id, "active", "", "2025-08-15T16:42:27.199Z", "2025-06-05T13:24:42.790Z", ORG, "P" + i, null);
      people.add(id);
      current.put(id, s);
      states.add(s);
    }
    await(store.apply(1, Instant.now(), new PresenceDiff.Result(List.of(), states, List.of(), Set.of())));
  }

  /** Changes one person's status (and message): one event, returned once stored. */
  public PresenceEvent change(int person, String status, String message) throws Exception {
    List<PresenceEvent> events = changeMany(List.of(person), status, message);
    if (events.size() != 1) {
      throw new AssertionError("expected one event, got " + events);
    }
    return events.get(0);
  }

  /** Changes several people in one cycle: one event holding all of them. */
  public synchronized List<PresenceEvent> changeMany(List<Integer> persons, String status, String message) throws Exception {
    List<PresenceDiff.Change> changes = new ArrayList<>();
    for (int p : persons) {
      PersonState old = current.get(people.get(p));
      PersonState now = new PersonState(old.id(), status, message, Instant.now().toString(), old.lastModified(), ORG, old.displayName(), null);
      changes.add(new PresenceDiff.Change(old, now));
      current.put(old.id(), now);
    }
    return await(store.apply(1, Instant.now(), new PresenceDiff.Result(changes, List.of(), List.of(), Set.of())));
  }

  public String person(int index) {
    return people.get(index);
  }

  public int port() {
    return http.actualPort();
  }

  public HttpVerticle http() {
    return http;
  }

  public GatewayServices services() {
    return services;
  }

  public ChannelMetrics metrics() {
    return ChannelRegistry.of(services).metrics();
  }

  public Vertx vertx() {
    return vertx;
  }

  public static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
