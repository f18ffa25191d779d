package io.presencegateway.poll;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.RawSettings;
import io.presencegateway.config.Setting;
import io.presencegateway.event.EventId;
import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.simulator.Eventually;
import io.presencegateway.simulator.SimulatorControl;
import io.presencegateway.store.StoredToken;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The poller against the simulator with OAuth tokens, throttling and a run-time watch list
 * (memory stores; interval 100 ms, max backoff 800 ms). Waits poll with a deadline.
 */
@ExtendWith(VertxExtension.class)
class WebexAccessTest {
  private static final int INTERVAL = 100;
  private static final String ANA = PersonIds.personId("us", UUID.randomUUID());
  private static final String BEN = PersonIds.personId("us", UUID.randomUUID());
  private static final GatewayConfig.Oauth OAUTH = new GatewayConfig.Oauth("client-1", "secret-1", "rt-initial");

  private record Rig(Vertx vertx, SimulatorControl sim, MemoryPresenceStore store, GatewayServices services) {
    Future<List<PresenceEvent>> events() {
      return store.readAfter("0-0", 1000, 0);
    }

    PollStatus status() {
      return services.pollStatus();
    }

    Future<Void> until(String what, Supplier<Future<Boolean>> condition) {
      return Eventually.until(vertx, 10_000, what, condition);
    }
  }

  private static GatewayConfig config(Map<Setting, String> extra) {
    RawSettings raw = RawSettings.defaults().with(Setting.POLL_INTERVAL_MS, String.valueOf(INTERVAL))
        .with(Setting.POLL_MAX_BACKOFF_MS, "800").with(Setting.POLL_LEASE_TTL_MS, "3000");
    for (Map.Entry<Setting, String> e : extra.entrySet()) {
      raw = raw.with(e.getKey(), e.getValue());
    }
    return GatewayConfig.from(raw);
  }

  /** Simulator with Ana (active) and Ben (call); OAuth client set up; poller started. */
  private static Future<Rig> start(Vertx vertx, GatewayConfig.Oauth oauth, Map<Setting, String> extra, int expiresInS) {
    MemoryPresenceStore store = new MemoryPresenceStore(vertx, 1000);
    GatewayServices services = new GatewayServices(config(extra), store, new PollStatus());
    return SimulatorControl.start(vertx, 0, 1).compose(sim -> sim.oauth("client-1", "secret-1", "rt-initial", expiresInS)
        .compose(x -> sim.putPerson(ANA, new JsonObject().put("status", "active")))
        .compose(x -> sim.putPerson(BEN, new JsonObject().put("status", "call")))
        .compose(x -> {
          GatewayConfig.Webex w = sim.webex(GatewayConfig.Watch.wholeOrg(), 100, 2000);
          // no fixed token: only OAuth-issued tokens can pass
          GatewayConfig.Webex webex = new GatewayConfig.Webex(w.baseUrl(), oauth.enabled() ? "" : SimulatorControl.TOKEN,
              w.watch(), w.pageSize(), w.maxPages(), w.concurrency(), w.timeoutMs(), w.retryAfterDefault(), w.retryAfterMax());
          return vertx.deployVerticle(new PollerVerticle(services, webex, oauth));
        })
        .map(id -> new Rig(vertx, sim, store, services)));
  }

  private static Future<Rig> withBaseline(Future<Rig> started) {
    return started.compose(rig -> rig.until("baseline", () -> rig.store.states().map(s -> s.size() == 2)).map(rig));
  }

  @Test
  void anExpiredTokenIsRefreshedOnceAndTheFailedCallReplayed(Vertx vertx, VertxTestContext ctx) {
    withBaseline(start(vertx, OAUTH, Map.of(), 3600)).compose(rig -> rig.sim.putPerson(ANA, new JsonObject().put("status", "meeting"))
            .compose(x -> rig.until("Ana's event", () -> rig.events().map(e -> e.size() == 1)))
            .compose(x -> rig.sim.expireTokens())
            .compose(x -> rig.sim.putPerson(BEN, new JsonObject().put("status", "active")))
            .compose(x -> rig.until("Ben's event", () -> rig.events().map(e -> e.size() == 2)))
            .compose(x -> cycles(rig, 3))
            .compose(x -> rig.sim.requests().compose(log -> rig.sim.oauthState().compose(oauth -> rig.events()
                .compose(events -> rig.services.upstream().token().map(stored -> {
                  ctx.verify(() -> {
                    assertThat(oauth.getInteger("refreshes")).as("the first token, then one refresh after the 401").isEqualTo(2);
                    int rejected = indexOfStatus(log, 401);
                    assertThat(rejected).as("a 401 after the expiry").isPositive();
                    JsonObject refresh = log.getJsonObject(rejected + 1);
                    assertThat(refresh.getString("path")).isEqualTo("/v1/access_token");
                    JsonObject replay = log.getJsonObject(rejected + 2);
                    assertThat(replay.getString("path")).isEqualTo(log.getJsonObject(rejected).getString("path"));
                    assertThat(replay.getInteger("status")).isEqualTo(200);
                    assertThat(statuses(log, 401)).as("exactly one rejected call").isEqualTo(1);
                    assertThat(events).hasSize(2);
                    assertThat(events.get(0).items()).extracting(PersonState::status).containsExactly("meeting");
                    assertThat(events.get(1).items()).extracting(PersonState::status).containsExactly("active");
                    StoredToken token = stored.orElseThrow();
                    assertThat(oauth.getJsonArray("refreshTokens").getList()).as("the rotated refresh token is stored")
                        .containsExactly(token.refreshToken());
                    assertThat(token.toString()).doesNotContain(token.refreshToken()).doesNotContain(token.accessToken());
                  });
                  return stored;
                }))))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void tokensAreRefreshedAtAbout80PercentOfTheirLifeWithoutA401(Vertx vertx, VertxTestContext ctx) {
    withBaseline(start(vertx, OAUTH, Map.of(), 2))
        .compose(rig -> rig.until("three refreshes", () -> rig.sim.oauthState().map(s -> s.getInteger("refreshes") >= 3))
            .compose(x -> rig.sim.requests()))
        .onComplete(ctx.succeeding(log -> ctx.verify(() -> {
          assertThat(statuses(log, 401)).as("refreshed before Webex refuses the token").isZero();
          List<Long> refreshes = new ArrayList<>();
          log.forEach(o -> {
            if (((JsonObject) o).getString("path").equals("/v1/access_token")) {
              refreshes.add(((JsonObject) o).getLong("timeMs"));
            }
          });
          for (int i = 1; i < refreshes.size(); i++) {
            assertThat(refreshes.get(i) - refreshes.get(i - 1)).as("~80 % of expires_in = 1.6 s, plus at most a cycle")
                .isBetween(1500L, 1950L);
          }
          ctx.completeNow();
        })));
  }

  @Test
  void aRefusedRefreshTokenStopsPollingWithAClearReason(Vertx vertx, VertxTestContext ctx) {
    GatewayConfig.Oauth revoked = new GatewayConfig.Oauth("client-1", "secret-1", "rt-revoked-long-ago");
    start(vertx, revoked, Map.of(), 3600)
        .compose(rig -> rig.until("polling stopped", () -> Future.succeededFuture(rig.status().stoppedReason() != null))
            .compose(x -> rig.sim.requests())
            .compose(before -> pause(vertx, 6 * INTERVAL).compose(x -> rig.sim.requests()).map(after -> {
              ctx.verify(() -> {
                assertThat(after.size()).as("no call after polling stopped").isEqualTo(before.size());
                assertThat(before.size()).as("one refresh attempt, nothing else").isEqualTo(1);
                assertThat(rig.status().stoppedReason()).contains("invalid_grant").contains("WEBEX_REFRESH_TOKEN")
                    .doesNotContain("rt-revoked-long-ago").doesNotContain("secret-1");
                assertThat(rig.status().leader()).isFalse();
              });
              return after;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void underA429StormRequestsFollowRetryAfterNoEventsThenTheIntervalComesBack(Vertx vertx, VertxTestContext ctx) {
    List<Long> widened = new ArrayList<>();
    withBaseline(start(vertx, GatewayConfig.Oauth.none(), Map.of(), 3600))
        .compose(rig -> rig.sim.fault(new JsonObject().put("status", 429).put("retryAfter", "1").put("times", 3))
            .compose(x -> rig.sim.putPerson(BEN, new JsonObject().put("status", "meeting")))
            .compose(x -> rig.until("three 429s", () -> rig.sim.requests().map(log -> statuses(log, 429) == 3)))
            .map(x -> {
              widened.add(rig.status().effectiveIntervalMs());
              return x;
            })
            .compose(x -> rig.until("the change after the storm", () -> rig.events().map(e -> e.size() == 1)))
            .compose(x -> rig.until("the interval back to normal", () -> Future.succeededFuture(
                rig.status().effectiveIntervalMs() == INTERVAL)))
            .compose(x -> rig.sim.requests().compose(log -> rig.events().map(events -> {
              ctx.verify(() -> {
                List<Long> throttled = timesOfStatus(log, 429);
                for (long t : throttled) {
                  long next = firstAfter(log, t);
                  assertThat(next - t).as("no request within Retry-After (1 s) of a 429").isGreaterThanOrEqualTo(1000);
                }
                assertThat(widened.get(0)).as("interval widened step by step").isGreaterThanOrEqualTo(4L * INTERVAL);
                long appendedAt = EventId.parse(events.get(0).id()).orElseThrow().millis();
                assertThat(appendedAt).as("no event during the throttle").isGreaterThan(throttled.get(2) + 999);
                assertThat(events).hasSize(1);
                assertThat(rig.status().throttledUntil()).isNull();
              });
              return events;
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aThrottleDeadlineInTheSharedStoreIsHonouredByANewPoller(Vertx vertx, VertxTestContext ctx) {
    MemoryPresenceStore store = new MemoryPresenceStore(vertx, 100);
    GatewayServices services = new GatewayServices(config(Map.of()), store, new PollStatus());
    long deadline = System.currentTimeMillis() + 1200;
    services.upstream().throttleUntil(deadline)
        .compose(x -> SimulatorControl.start(vertx, 3, 1))
        .compose(sim -> vertx.deployVerticle(new PollerVerticle(services, sim.webex(GatewayConfig.Watch.wholeOrg(), 100, 2000)))
            .compose(x -> Eventually.until(vertx, 5000, "baseline", () -> store.states().map(s -> s.size() == 3)))
            .compose(x -> sim.requests()))
        .onComplete(ctx.succeeding(log -> ctx.verify(() -> {
          assertThat(log.getJsonObject(0).getLong("timeMs")).isGreaterThanOrEqualTo(deadline - 5);
          ctx.completeNow();
        })));
  }

  @Test
  void watchListEditsArePickedUpByTheNextCycle(Vertx vertx, VertxTestContext ctx) {
    withBaseline(start(vertx, GatewayConfig.Oauth.none(), Map.of(), 3600)).compose(rig -> {
      WatchlistEditor editor = new WatchlistEditor(rig.services.watchlist(), GatewayConfig.Watch.wholeOrg(), 100);
      String anaUuid = PersonIds.key(ANA);
      return editor.replace(new GatewayConfig.Watch(false, List.of(anaUuid)))
          .compose(x -> rig.until("only Ana watched", () -> rig.store.states().map(s -> s.keySet().equals(java.util.Set.of(anaUuid)))))
          .compose(x -> rig.sim.putPerson(BEN, new JsonObject().put("status", "DoNotDisturb")))
          .compose(x -> cycles(rig, 3))
          .compose(x -> rig.events())
          .map(events -> {
            ctx.verify(() -> assertThat(events).as("Ben is not watched: no event for him").isEmpty());
            return events;
          })
          .compose(x -> rig.sim.requests())
          .map(log -> {
            ctx.verify(() -> assertThat(log.getJsonObject(log.size() - 1).getString("path"))
                .as("a short explicit list is read with per-person GETs").startsWith("/v1/people/"));
            return log;
          })
          .compose(x -> editor.replace(GatewayConfig.Watch.wholeOrg()))
          .compose(x -> rig.until("both watched again", () -> rig.store.states().map(s -> s.size() == 2)))
          .compose(x -> rig.events());
    }).onComplete(ctx.succeeding(events -> ctx.verify(() -> {
      assertThat(events).as("coming back into the watch set is a baseline, not an event").isEmpty();
      ctx.completeNow();
    })));
  }

  @Test
  void aLongExplicitListUsesTheOrgListFilteredLocally(Vertx vertx, VertxTestContext ctx) {
    withBaseline(start(vertx, GatewayConfig.Oauth.none(), Map.of(Setting.WEBEX_PERSON_GET_MAX, "0"), 3600)).compose(rig -> {
      WatchlistEditor editor = new WatchlistEditor(rig.services.watchlist(), GatewayConfig.Watch.wholeOrg(), 100);
      return editor.replace(new GatewayConfig.Watch(false, List.of(BEN)))
          .compose(x -> rig.until("only Ben watched", () -> rig.store.states().map(s -> s.keySet().equals(java.util.Set.of(PersonIds.key(BEN))))))
          .compose(x -> rig.sim.requests());
    }).onComplete(ctx.succeeding(log -> ctx.verify(() -> {
      assertThat(log.getJsonObject(log.size() - 1).getString("path")).startsWith("/v1/people?max=");
      ctx.completeNow();
    })));
  }

  @Test
  void withDebounceAFlapEmitsNothingAndALastingChangeEmitsOnce(Vertx vertx, VertxTestContext ctx) {
    withBaseline(start(vertx, GatewayConfig.Oauth.none(), Map.of(Setting.POLL_DEBOUNCE_MS, "800"), 3600))
        .compose(rig -> rig.sim.putPerson(ANA, new JsonObject().put("status", "call"))
            .compose(x -> cycles(rig, 2))
            .compose(x -> rig.sim.putPerson(ANA, new JsonObject().put("status", "active")))
            .compose(x -> pause(vertx, 1500))
            .compose(x -> rig.events())
            .map(events -> {
              ctx.verify(() -> assertThat(events).as("active -> call -> active inside the window").isEmpty());
              return events;
            })
            .compose(x -> rig.sim.putPerson(BEN, new JsonObject().put("status", "meeting")))
            .map(x -> System.currentTimeMillis())
            .compose(changedAt -> rig.until("Ben's lasting change", () -> rig.events().map(e -> e.size() == 1))
                .compose(x -> pause(vertx, 1000))
                .compose(x -> rig.events())
                .map(events -> {
                  ctx.verify(() -> {
                    assertThat(events).hasSize(1);
                    assertThat(events.get(0).items()).extracting(PersonState::status).containsExactly("meeting");
                    long late = EventId.parse(events.get(0).id()).orElseThrow().millis() - changedAt;
                    assertThat(late).as("held for the window, released soon after").isBetween(800L, 800L + 4L * INTERVAL);
                  });
                  return events;
                })))
        .onComplete(ctx.succeedingThenComplete());
  }

  private static Future<Void> cycles(Rig rig, int n) {
    return rig.sim.requests().compose(start -> rig.until(n + " more requests",
        () -> rig.sim.requests().map(now -> now.size() >= start.size() + n)));
  }

  private static Future<Void> pause(Vertx vertx, long ms) {
    Promise<Void> done = Promise.promise();
    vertx.setTimer(ms, t -> done.complete());
    return done.future();
  }

  private static int statuses(JsonArray log, int status) {
    return timesOfStatus(log, status).size();
  }

  private static List<Long> timesOfStatus(JsonArray log, int status) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < log.size(); i++) {
      if (Integer.valueOf(status).equals(log.getJsonObject(i).getInteger("status"))) {
        out.add(log.getJsonObject(i).getLong("timeMs"));
      }
    }
    return out;
  }

  private static int indexOfStatus(JsonArray log, int status) {
    for (int i = 0; i < log.size(); i++) {
      if (Integer.valueOf(status).equals(log.getJsonObject(i).getInteger("status"))) {
        return i;
      }
    }
    return -1;
  }

  private static long firstAfter(JsonArray log, long timeMs) {
    for (Object o : log) {
      long t = ((JsonObject) o).getLong("timeMs");
      if (t > timeMs) {
        return t;
      }
    }
    return -1;
  }
}
