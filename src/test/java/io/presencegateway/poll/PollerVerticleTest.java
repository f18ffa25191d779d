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
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The poller against the simulator and the memory store: interval 100 ms, max backoff 400 ms.
 * Waits poll the store, the poll status or the simulator's request log with a deadline.
 */
@ExtendWith(VertxExtension.class)
class PollerVerticleTest {
  private static final int INTERVAL = 100;
  private static final int MAX_BACKOFF = 400;
  private static final GatewayConfig.Watch ORG = GatewayConfig.Watch.wholeOrg();
  private static final String ANA = PersonIds.personId("us", UUID.randomUUID());
  private static final String BEN = PersonIds.personId("us", UUID.randomUUID());

  /** One poller, its store and its simulator. */
  private record Rig(Vertx vertx, SimulatorControl sim, MemoryPresenceStore store, GatewayServices services, String deployment) {
    Future<List<PresenceEvent>> events() {
      return store.readAfter("0-0", 1000, 0);
    }

    Future<Optional<PersonState>> state(String id) {
      return store.state(id);
    }

    PollStatus status() {
      return services.pollStatus();
    }

    Future<Void> until(String what, java.util.function.Supplier<Future<Boolean>> condition) {
      return Eventually.until(vertx, 8000, what, condition);
    }

    /** Waits until the poller has sent {@code n} more requests upstream: proof that cycles ran. */
    Future<Void> cycles(int n) {
      return sim.requests().compose(start -> until(n + " more upstream requests",
          () -> sim.requests().map(now -> now.size() >= start.size() + n)));
    }
  }

  private static GatewayConfig config() {
    return GatewayConfig.from(RawSettings.defaults()
        .with(Setting.POLL_INTERVAL_MS, String.valueOf(INTERVAL))
        .with(Setting.POLL_MAX_BACKOFF_MS, String.valueOf(MAX_BACKOFF))
        .with(Setting.POLL_LEASE_TTL_MS, "3000"));
  }

  /** Starts a simulator holding Ana (active) and Ben (call), then the poller; waits for the baseline. */
  private static Future<Rig> start(Vertx vertx, GatewayConfig.Watch watch, String token, int timeoutMs) {
    MemoryPresenceStore store = new MemoryPresenceStore(vertx, 1000);
    GatewayServices services = new GatewayServices(config(), store, new PollStatus());
    return SimulatorControl.start(vertx, 0, 1).compose(sim ->
        sim.putPerson(ANA, new JsonObject().put("status", "active").put("lastActivity", "2025-08-15T16:30:00.000Z"))
            .compose(x -> sim.putPerson(BEN, new JsonObject().put("status", "call").put("lastActivity", "2025-08-15T16:31:00.000Z")))
            .compose(x -> {
              GatewayConfig.Webex w = sim.webex(watch, 100, timeoutMs);
              GatewayConfig.Webex webex = new GatewayConfig.Webex(w.baseUrl(), token, watch, w.pageSize(), w.maxPages(),
                  w.concurrency(), w.timeoutMs(), w.retryAfterDefault(), w.retryAfterMax());
              return vertx.deployVerticle(new PollerVerticle(services, webex));
            })
            .map(id -> new Rig(vertx, sim, store, services, id)));
  }

  private static Future<Rig> startWithBaseline(Vertx vertx, GatewayConfig.Watch watch) {
    return start(vertx, watch, SimulatorControl.TOKEN, 2000)
        .compose(rig -> rig.until("baseline of Ana and Ben", () -> rig.store.states().map(s -> s.size() == 2)).map(rig));
  }

  @Test
  void firstSightIsABaselineThenOneEventPerChangeAndNoneForLastActivity(Vertx vertx, VertxTestContext ctx) {
    startWithBaseline(vertx, ORG).compose(rig -> rig.events()
            .map(baseline -> {
              ctx.verify(() -> assertThat(baseline).isEmpty());
              return rig;
            })
            .compose(r -> r.sim.putPerson(ANA, new JsonObject().put("status", "DoNotDisturb").put("lastActivity", "2025-08-15T16:42:27.199Z")))
            .compose(x -> rig.until("the change event", () -> rig.events().map(e -> e.size() == 1)))
            .compose(x -> rig.sim.putPerson(ANA, new JsonObject().put("lastActivity", "2025-08-15T16:45:00.000Z")))
            .compose(x -> rig.until("the lastActivity refresh", () -> rig.state(ANA)
                .map(s -> s.orElseThrow().lastActivity().equals("2025-08-15T16:45:00.000Z"))))
            .compose(x -> rig.cycles(3))
            .compose(x -> rig.events()))
        .onComplete(ctx.succeeding(events -> ctx.verify(() -> {
          assertThat(events).hasSize(1);
          PersonState item = events.get(0).items().get(0);
          assertThat(events.get(0).items()).hasSize(1);
          assertThat(item.id()).isEqualTo(ANA);
          assertThat(item.status()).isEqualTo("DoNotDisturb");
          assertThat(item.statusMessage()).isEmpty();
          assertThat(item.lastActivity()).isEqualTo("2025-08-15T16:42:27.199Z");
          ctx.completeNow();
        })));
  }

  @Test
  void aStoredMessageForTheCurrentStatusIsAChange(Vertx vertx, VertxTestContext ctx) {
    startWithBaseline(vertx, ORG).compose(rig -> rig.store.putStatusMessage(ANA, "active", "In the office")
            .compose(x -> rig.until("the message event", () -> rig.events().map(e -> e.size() == 1)))
            .compose(x -> rig.cycles(3))
            .compose(x -> rig.events()))
        .onComplete(ctx.succeeding(events -> ctx.verify(() -> {
          assertThat(events).hasSize(1);
          assertThat(events.get(0).items().get(0).statusMessage()).isEqualTo("In the office");
          ctx.completeNow();
        })));
  }

  @Test
  void aThrottleStopsAllCallsUntilRetryAfterThenRecoversWithoutEventsMeanwhile(Vertx vertx, VertxTestContext ctx) {
    startWithBaseline(vertx, ORG).compose(rig -> rig.sim.fault(new JsonObject().put("status", 429).put("retryAfter", "2"))
            .compose(x -> rig.sim.putPerson(BEN, new JsonObject().put("status", "meeting")))
            .compose(x -> rig.until("the poller to report the throttle", () -> Future.succeededFuture(rig.status().throttledUntil() != null)))
            .map(x -> {
              ctx.verify(() -> assertThat(rig.status().effectiveIntervalMs()).isGreaterThan(INTERVAL));
              return x;
            })
            .compose(x -> rig.until("the change after the throttle", () -> rig.events().map(e -> e.size() == 1)))
            .compose(x -> rig.sim.requests().compose(log -> rig.events().map(events -> {
              ctx.verify(() -> {
                long throttledAt = faultTimes(log, 429).get(0);
                long nextCall = firstAfter(log, throttledAt);
                assertThat(nextCall - throttledAt).as("no request before Retry-After").isGreaterThanOrEqualTo(2000);
                long appendedAt = EventId.parse(events.get(0).id()).orElseThrow().millis();
                assertThat(appendedAt - throttledAt).as("no event during the throttle").isGreaterThanOrEqualTo(2000);
                assertThat(events.get(0).items()).extracting(PersonState::status).containsExactly("meeting");
                assertThat(rig.status().throttledUntil()).isNull();
                assertThat(rig.status().lastError()).isNull();
              });
              return events;
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void unavailableHonoursRetryAfterThenRecovers(Vertx vertx, VertxTestContext ctx) {
    startWithBaseline(vertx, ORG).compose(rig -> rig.sim.fault(new JsonObject().put("status", 503).put("retryAfter", "1").put("times", 2))
            .compose(x -> rig.until("two 503s and a recovery", () -> rig.sim.requests()
                .map(log -> faultTimes(log, 503).size() == 2 && firstAfter(log, faultTimes(log, 503).get(1)) > 0)))
            .compose(x -> rig.until("a successful cycle", () -> Future.succeededFuture(rig.status().lastError() == null)))
            .compose(x -> rig.sim.requests()))
        .onComplete(ctx.succeeding(log -> ctx.verify(() -> {
          List<Long> unavailable = faultTimes(log, 503);
          assertThat(unavailable.get(1) - unavailable.get(0)).isGreaterThanOrEqualTo(1000);
          assertThat(firstAfter(log, unavailable.get(1)) - unavailable.get(1)).isGreaterThanOrEqualTo(1000);
          ctx.completeNow();
        })));
  }

  @Test
  void serverErrorsBackOffExponentiallyUpToTheMaximumThenRecover(Vertx vertx, VertxTestContext ctx) {
    startWithBaseline(vertx, ORG).compose(rig -> rig.sim.fault(new JsonObject().put("status", 500).put("times", 3))
            .compose(x -> rig.until("three 500s and a recovery", () -> rig.sim.requests()
                .map(log -> faultTimes(log, 500).size() == 3 && firstAfter(log, faultTimes(log, 500).get(2)) > 0)))
            .compose(x -> rig.until("a successful cycle", () -> Future.succeededFuture(rig.status().lastError() == null)))
            .compose(x -> rig.sim.requests()))
        .onComplete(ctx.succeeding(log -> ctx.verify(() -> {
          List<Long> errors = faultTimes(log, 500);
          assertThat(errors.get(1) - errors.get(0)).isGreaterThanOrEqualTo(2L * INTERVAL);
          assertThat(errors.get(2) - errors.get(1)).isGreaterThanOrEqualTo(4L * INTERVAL);
          assertThat(firstAfter(log, errors.get(2)) - errors.get(2)).isGreaterThanOrEqualTo(MAX_BACKOFF);
          ctx.completeNow();
        })));
  }

  @Test
  void aSlowUpstreamTimesOutAndTheCycleFailsWithoutWipingState(Vertx vertx, VertxTestContext ctx) {
    start(vertx, ORG, SimulatorControl.TOKEN, 200)
        .compose(rig -> rig.until("baseline", () -> rig.store.states().map(s -> s.size() == 2))
            .compose(x -> rig.sim.fault(new JsonObject().put("delayMs", 1000)))
            .compose(x -> rig.until("the timeout reported", () -> Future.succeededFuture(
                rig.status().lastError() != null && rig.status().lastError().contains("no answer"))))
            .compose(x -> rig.until("recovery", () -> Future.succeededFuture(rig.status().lastError() == null)))
            .compose(x -> rig.store.states().compose(states -> rig.events().map(events -> {
              ctx.verify(() -> {
                assertThat(states).hasSize(2);
                assertThat(events).isEmpty();
              });
              return events;
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aRejectedTokenIsReportedAndPollingWaitsTheMaximumBackoff(Vertx vertx, VertxTestContext ctx) {
    start(vertx, ORG, "expired-token", 2000)
        .compose(rig -> rig.until("unauthorized reported", () -> Future.succeededFuture(rig.status().unauthorized()))
            .compose(x -> rig.cycles(2))
            .compose(x -> rig.sim.requests().compose(log -> rig.store.states().compose(states -> rig.events().map(events -> {
              ctx.verify(() -> {
                assertThat(rig.status().lastError()).contains("unauthorized").doesNotContain("expired-token");
                assertThat(states).isEmpty();
                assertThat(events).isEmpty();
                for (int i = 1; i < log.size(); i++) {
                  assertThat(log.getJsonObject(i).getLong("timeMs") - log.getJsonObject(i - 1).getLong("timeMs"))
                      .isGreaterThanOrEqualTo(MAX_BACKOFF);
                }
              });
              return events;
            })))))
        .onComplete(ctx.succeedingThenComplete());
  }

  /** Webex rejects the token for a while (revoked, then restored): polling resumes by itself, nothing is lost. */
  @Test
  void pollingResumesOnceTheTokenIsAcceptedAgain(Vertx vertx, VertxTestContext ctx) {
    startWithBaseline(vertx, ORG)
        .compose(rig -> rig.sim.fault(new JsonObject().put("status", 401).put("times", 3))
            .compose(x -> rig.until("unauthorized reported", () -> Future.succeededFuture(rig.status().unauthorized())))
            // a change made while the token is refused is seen once the token works again
            .compose(x -> rig.sim.putPerson(ANA, new JsonObject().put("status", "DoNotDisturb")))
            .compose(x -> rig.until("the change after recovery", () -> rig.events().map(e -> e.size() == 1)))
            .compose(x -> rig.cycles(2))
            .compose(x -> rig.events().map(events -> {
              ctx.verify(() -> {
                assertThat(rig.status().unauthorized()).isFalse();
                assertThat(rig.status().lastError()).isNull();
                assertThat(events).hasSize(1);
                assertThat(events.get(0).items()).extracting(PersonState::status).containsExactly("DoNotDisturb");
              });
              return events;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  /**
   * Ana on page 0, Ben on page 1 of a fake Webex. While page 1 fails, cycles that read Ana's change
   * on page 0 fail whole: nobody flips, nothing is emitted. Once page 1 answers, one event holds
   * both changes.
   */
  @Test
  void aFailedLaterPageFailsTheCycleAndTheFirstPageFlipsNobody(Vertx vertx, VertxTestContext ctx) {
    MemoryPresenceStore store = new MemoryPresenceStore(vertx, 1000);
    GatewayServices services = new GatewayServices(config(), store, new PollStatus());
    AtomicReference<String> stage = new AtomicReference<>("before");
    AtomicInteger failedPages = new AtomicInteger();
    Router router = Router.router(vertx);
    router.get("/v1/people").handler(c -> {
      boolean second = c.request().getParam("page") != null;
      if (second && stage.get().equals("failing")) {
        failedPages.incrementAndGet();
        c.response().setStatusCode(500).end("{\"message\":\"page 1 is down\"}");
        return;
      }
      if (!second) {
        c.response().putHeader("Link", "</v1/people?page=1>; rel=\"next\"");
      }
      String status = stage.get().equals("before") ? (second ? "call" : "active") : (second ? "meeting" : "DoNotDisturb");
      c.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("items", new JsonArray()
          .add(new JsonObject().put("id", second ? BEN : ANA).put("status", status))).encode());
    });
    vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .compose(server -> vertx.deployVerticle(new PollerVerticle(services, new GatewayConfig.Webex(
            URI.create("http://127.0.0.1:" + server.actualPort() + "/v1"), "t", ORG, 1, 50, 4, 2000,
            Duration.ofSeconds(15), Duration.ofSeconds(600)))))
        .compose(x -> Eventually.until(vertx, 8000, "baseline", () -> store.states().map(st -> st.size() == 2)))
        .compose(x -> {
          stage.set("failing");
          return Eventually.until(vertx, 8000, "two failed cycles", () -> Future.succeededFuture(failedPages.get() >= 2));
        })
        .compose(x -> store.state(ANA).compose(ana -> store.readAfter("0-0", 1000, 0).map(events -> {
          ctx.verify(() -> {
            assertThat(events).isEmpty();
            assertThat(ana.orElseThrow().status()).as("read on page 0 of failed cycles").isEqualTo("active");
            assertThat(services.pollStatus().lastError()).contains("HTTP 500");
          });
          stage.set("fixed");
          return events;
        })))
        .compose(x -> Eventually.until(vertx, 8000, "the event", () -> store.readAfter("0-0", 1000, 0).map(e -> !e.isEmpty())))
        .compose(x -> store.readAfter("0-0", 1000, 0))
        .onComplete(ctx.succeeding(events -> ctx.verify(() -> {
          assertThat(events).hasSize(1);
          assertThat(events.get(0).items()).extracting(PersonState::id, PersonState::status)
              .containsExactly(tuple(ANA, "DoNotDisturb"), tuple(BEN, "meeting"));
          ctx.completeNow();
        })));
  }

  @Test
  void someoneDeletedFromTheOrgIsDroppedOnceWithoutEvents(Vertx vertx, VertxTestContext ctx) {
    droppedOnce(vertx, ctx, ORG);
  }

  @Test
  void someoneDeletedFromAnExplicitListIsDroppedOnceWithoutEvents(Vertx vertx, VertxTestContext ctx) {
    droppedOnce(vertx, ctx, new GatewayConfig.Watch(false, List.of(ANA, BEN)));
  }

  private static void droppedOnce(Vertx vertx, VertxTestContext ctx, GatewayConfig.Watch watch) {
    startWithBaseline(vertx, watch).compose(rig -> rig.sim.deletePerson(BEN)
            .compose(x -> rig.until("Ben dropped", () -> rig.state(BEN).map(Optional::isEmpty)))
            .compose(x -> rig.cycles(4))
            .compose(x -> rig.store.states().compose(states -> rig.events().map(events -> {
              ctx.verify(() -> {
                assertThat(states.keySet()).containsExactly(PersonIds.key(ANA));
                assertThat(events).isEmpty();
              });
              return events;
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anUnrecognisedStatusPassesThrough(Vertx vertx, VertxTestContext ctx) {
    startWithBaseline(vertx, ORG).compose(rig -> rig.sim.putPerson(ANA, new JsonObject().put("status", "FocusTime"))
            .compose(x -> rig.until("the event", () -> rig.events().map(e -> e.size() == 1)))
            .compose(x -> rig.events()))
        .onComplete(ctx.succeeding(events -> ctx.verify(() -> {
          assertThat(events.get(0).items()).extracting(PersonState::status).containsExactly("FocusTime");
          ctx.completeNow();
        })));
  }

  @Test
  void aPersonWithoutStatusIsNoDataNotAChange(Vertx vertx, VertxTestContext ctx) {
    startWithBaseline(vertx, ORG).compose(rig -> rig.sim.putPerson(ANA, new JsonObject().putNull("status")
                .put("lastActivity", "2025-08-15T17:00:00.000Z"))
            .compose(x -> rig.cycles(4))
            .compose(x -> rig.state(ANA).compose(ana -> rig.events().map(events -> {
              ctx.verify(() -> {
                assertThat(events).isEmpty();
                assertThat(ana.orElseThrow().status()).isEqualTo("active");
              });
              return events;
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void stoppingReleasesTheLease(Vertx vertx, VertxTestContext ctx) {
    startWithBaseline(vertx, ORG).compose(rig -> {
          ctx.verify(() -> assertThat(rig.status().leader()).isTrue());
          return vertx.undeploy(rig.deployment)
              .compose(x -> rig.store.acquireLease("another-instance", Duration.ofSeconds(10)));
        })
        .onComplete(ctx.succeeding(lease -> ctx.verify(() -> {
          assertThat(lease).isPresent();
          ctx.completeNow();
        })));
  }

  @Test
  void whileAnotherInstanceHoldsTheLeaseNothingIsPolled(Vertx vertx, VertxTestContext ctx) {
    MemoryPresenceStore store = new MemoryPresenceStore(vertx, 100);
    GatewayServices services = new GatewayServices(config(), store, new PollStatus());
    long[] heldUntil = new long[1];
    // the other instance dies without releasing: its lease expires after 1 s, then this poller takes over
    store.acquireLease("another-instance", Duration.ofSeconds(1))
        .compose(x -> {
          heldUntil[0] = System.currentTimeMillis() + 1000;
          return SimulatorControl.start(vertx, 3, 1);
        })
        .compose(sim -> vertx.deployVerticle(new PollerVerticle(services, sim.webex(ORG, 100, 2000)))
            .compose(x -> Eventually.until(vertx, 5000, "takeover", () -> store.states().map(s -> s.size() == 3)))
            .compose(x -> sim.requests()))
        .onComplete(ctx.succeeding(log -> ctx.verify(() -> {
          assertThat(log.getJsonObject(0).getLong("timeMs")).isGreaterThanOrEqualTo(heldUntil[0] - 5);
          assertThat(services.pollStatus().leader()).isTrue();
          ctx.completeNow();
        })));
  }

  private static List<Long> faultTimes(JsonArray log, int status) {
    List<Long> times = new ArrayList<>();
    log.forEach(o -> {
      JsonObject entry = (JsonObject) o;
      if (Integer.valueOf(status).equals(entry.getInteger("fault"))) {
        times.add(entry.getLong("timeMs"));
      }
    });
    return times;
  }

  /** Time of the first request after {@code timeMs}, or -1. */
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
