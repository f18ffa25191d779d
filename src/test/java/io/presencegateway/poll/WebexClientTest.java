package io.presencegateway.poll;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.event.PersonIds;
import io.presencegateway.poll.UpstreamException.Kind;
import io.presencegateway.simulator.SimulatorControl;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class WebexClientTest {
  private static final GatewayConfig.Watch ORG = GatewayConfig.Watch.wholeOrg();

  /** Runs the client on one event-loop context, as the poller does. */
  private static Future<Observation> observe(Vertx vertx, GatewayConfig.Webex webex, GatewayConfig.Watch watch) {
    Promise<Observation> result = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> {
      WebexClient client = new WebexClient(vertx, webex);
      client.observe(watch).onComplete(ar -> {
        client.close();
        result.handle(ar);
      });
    });
    return result.future();
  }

  private static Future<UpstreamException> failure(Future<Observation> observation) {
    return observation.transform(ar -> ar.succeeded()
        ? Future.failedFuture(new AssertionError("expected a failure, got " + ar.result()))
        : Future.succeededFuture((UpstreamException) ar.cause()));
  }

  private static Future<SimulatorControl> simulator(Vertx vertx, int people) {
    return SimulatorControl.start(vertx, people, 5);
  }

  @Test
  void readsAThreePageOrgListFollowingLinkNext(Vertx vertx, VertxTestContext ctx) {
    simulator(vertx, 7).compose(sim -> observe(vertx, sim.webex(ORG, 3, 2000), ORG)
            .compose(o -> sim.requests().compose(log -> sim.people().map(all -> List.of(o, log, all)))))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          Observation o = (Observation) r.get(0);
          JsonArray log = (JsonArray) r.get(1);
          JsonArray all = (JsonArray) r.get(2);
          assertThat(o.complete()).isTrue();
          assertThat(o.gone()).isEmpty();
          assertThat(o.people()).extracting(ObservedPerson::id)
              .containsExactlyElementsOf(all.stream().map(p -> ((JsonObject) p).getString("id")).toList());
          assertThat(log).hasSize(3);
          assertThat(log.getJsonObject(0).getString("path")).isEqualTo("/v1/people?max=3");
          assertThat(log.getJsonObject(1).getString("path")).contains("cursor=");
          ObservedPerson first = o.people().get(0);
          JsonObject firstJson = all.getJsonObject(0);
          assertThat(first.displayName()).isEqualTo(firstJson.getString("displayName"));
          assertThat(first.email()).isEqualTo(firstJson.getJsonArray("emails").getString(0));
          assertThat(first.orgId()).isEqualTo(firstJson.getString("orgId"));
          assertThat(first.lastModified()).isEqualTo(firstJson.getString("lastModified"));
          assertThat(first.statusMessage()).isNull();
          ctx.completeNow();
        })));
  }

  @Test
  void theSinkGetsEachPageInOrderOnAWorkerBeforeTheReadEnds(Vertx vertx, VertxTestContext ctx) {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    List<Boolean> onWorker = new CopyOnWriteArrayList<>();
    simulator(vertx, 7).compose(sim -> {
          Promise<WebexClient.Summary> result = Promise.promise();
          vertx.getOrCreateContext().runOnContext(v -> {
            WebexClient client = new WebexClient(vertx, sim.webex(ORG, 3, 2000));
            client.read(ORG, people -> {
              onWorker.add(io.vertx.core.Context.isOnWorkerThread());
              batches.add(people.stream().map(ObservedPerson::id).toList());
            }).map(summary -> {
              ctx.verify(() -> assertThat(batches).as("every batch before the read ends").hasSize(3));
              return summary;
            }).onComplete(ar -> {
              client.close();
              result.handle(ar);
            });
          });
          return result.future().compose(summary -> sim.people().map(all -> List.of(summary, all)));
        })
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          WebexClient.Summary summary = (WebexClient.Summary) r.get(0);
          JsonArray all = (JsonArray) r.get(1);
          assertThat(summary.people()).isEqualTo(7);
          assertThat(summary.complete()).isTrue();
          assertThat(batches).extracting(List::size).containsExactly(3, 3, 1);
          assertThat(batches.stream().flatMap(List::stream).toList())
              .containsExactlyElementsOf(all.stream().map(p -> ((JsonObject) p).getString("id")).toList());
          assertThat(onWorker).containsOnly(true);
          ctx.completeNow();
        })));
  }

  @Test
  void aFailedPageFailsTheWholeCycle(Vertx vertx, VertxTestContext ctx) {
    simulator(vertx, 7).compose(sim -> sim.fault(new JsonObject().put("status", 500).put("skip", 1))
            .compose(f -> failure(observe(vertx, sim.webex(ORG, 3, 2000), ORG))))
        .onComplete(ctx.succeeding(e -> ctx.verify(() -> {
          assertThat(e.kind()).isEqualTo(Kind.SERVER_ERROR);
          assertThat(e.httpStatus()).isEqualTo(500);
          assertThat(e.trackingId()).startsWith("SIM_");
          ctx.completeNow();
        })));
  }

  @Test
  void thePageCapStopsAnEndlessListing(Vertx vertx, VertxTestContext ctx) {
    simulator(vertx, 7).compose(sim -> {
          GatewayConfig.Webex w = sim.webex(ORG, 3, 2000);
          GatewayConfig.Webex capped = new GatewayConfig.Webex(w.baseUrl(), w.token(), ORG, 3, 2, 4, 2000,
              w.retryAfterDefault(), w.retryAfterMax());
          return failure(observe(vertx, capped, ORG));
        })
        .onComplete(ctx.succeeding(e -> ctx.verify(() -> {
          assertThat(e.kind()).isEqualTo(Kind.BAD_RESPONSE);
          assertThat(e.getMessage()).contains("more than 2 pages");
          ctx.completeNow();
        })));
  }

  @Test
  void throttlingCarriesRetryAfterDefaultedAndCapped(Vertx vertx, VertxTestContext ctx) {
    simulator(vertx, 2).compose(sim -> {
          GatewayConfig.Webex w = sim.webex(ORG, 100, 2000);
          return sim.fault(new JsonObject().put("status", 429).put("retryAfter", "2"))
              .compose(f -> failure(observe(vertx, w, ORG)))
              .compose(a -> sim.fault(new JsonObject().put("status", 503)).compose(f -> failure(observe(vertx, w, ORG)))
                  .map(b -> List.of(a, b)))
              .compose(l -> sim.fault(new JsonObject().put("status", 423).put("retryAfter", "soon"))
                  .compose(f -> failure(observe(vertx, w, ORG))).map(c -> List.of(l.get(0), l.get(1), c)))
              .compose(l -> sim.fault(new JsonObject().put("status", 429).put("retryAfter", "86400000"))
                  .compose(f -> failure(observe(vertx, w, ORG))).map(d -> List.of(l.get(0), l.get(1), l.get(2), d)));
        })
        .onComplete(ctx.succeeding(e -> ctx.verify(() -> {
          assertThat(e).extracting(UpstreamException::kind).containsOnly(Kind.THROTTLED);
          assertThat(e).extracting(UpstreamException::httpStatus).containsExactly(429, 503, 423, 429);
          assertThat(e).extracting(UpstreamException::retryAfter).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(15),
              Duration.ofSeconds(15), Duration.ofSeconds(600));
          assertThat(e).extracting(UpstreamException::trackingId).allMatch(t -> t != null && t.startsWith("SIM_"));
          ctx.completeNow();
        })));
  }

  @Test
  void aBadTokenIsUnauthorizedAndTheTokenIsNeverInTheMessage(Vertx vertx, VertxTestContext ctx) {
    simulator(vertx, 2).compose(sim -> {
          GatewayConfig.Webex w = sim.webex(ORG, 100, 2000);
          GatewayConfig.Webex wrong = new GatewayConfig.Webex(w.baseUrl(), "expired-secret-token", ORG, 100, 50, 4, 2000,
              w.retryAfterDefault(), w.retryAfterMax());
          return failure(observe(vertx, wrong, ORG));
        })
        .onComplete(ctx.succeeding(e -> ctx.verify(() -> {
          assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
          assertThat(e.getMessage()).contains("unauthorized").doesNotContain("expired-secret-token");
          assertThat(e.trackingId()).isNotBlank();
          ctx.completeNow();
        })));
  }

  @Test
  void aSlowAnswerTimesOut(Vertx vertx, VertxTestContext ctx) {
    simulator(vertx, 2).compose(sim -> sim.fault(new JsonObject().put("delayMs", 1000))
            .compose(f -> failure(observe(vertx, sim.webex(ORG, 100, 200), ORG))))
        .onComplete(ctx.succeeding(e -> ctx.verify(() -> {
          assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
          ctx.completeNow();
        })));
  }

  @Test
  void anExplicitListReportsGonePeopleAndPassesAnyStatusThrough(Vertx vertx, VertxTestContext ctx) {
    String odd = PersonIds.personId("us", UUID.randomUUID());
    String silent = PersonIds.personId("us", UUID.randomUUID());
    String deleted = PersonIds.personId("us", UUID.randomUUID());
    GatewayConfig.Watch watch = new GatewayConfig.Watch(false, List.of(odd, silent, deleted));
    simulator(vertx, 0).compose(sim -> sim.putPerson(odd, new JsonObject().put("status", "FocusTime")
                .put("lastActivity", "2025-08-15T16:42:27Z"))
            .compose(x -> sim.putPerson(silent, new JsonObject().putNull("status")))
            .compose(x -> observe(vertx, sim.webex(watch, 100, 2000), watch)))
        .onComplete(ctx.succeeding(o -> ctx.verify(() -> {
          assertThat(o.complete()).isTrue();
          assertThat(o.gone()).containsExactly(deleted);
          ObservedPerson oddOne = o.people().stream().filter(p -> p.id().equals(odd)).findFirst().orElseThrow();
          assertThat(oddOne.status()).isEqualTo("FocusTime");
          assertThat(oddOne.lastActivity()).isEqualTo("2025-08-15T16:42:27.000Z");
          ObservedPerson silentOne = o.people().stream().filter(p -> p.id().equals(silent)).findFirst().orElseThrow();
          assertThat(silentOne.status()).isNull();
          assertThat(silentOne.hasStatus()).isFalse();
          ctx.completeNow();
        })));
  }

  @Test
  void oneFailingPersonKeepsTheOthersButMarksTheCycleIncomplete(Vertx vertx, VertxTestContext ctx) {
    String ok = PersonIds.personId("us", UUID.randomUUID());
    String broken = PersonIds.personId("us", UUID.randomUUID());
    GatewayConfig.Watch watch = new GatewayConfig.Watch(false, List.of(ok, broken));
    simulator(vertx, 0).compose(sim -> sim.putPerson(ok, new JsonObject().put("status", "active"))
            .compose(x -> sim.putPerson(broken, new JsonObject().put("status", "call")))
            .compose(x -> sim.fault(new JsonObject().put("status", 500).put("pathPrefix", "/v1/people/" + broken)))
            .compose(x -> observe(vertx, sim.webex(watch, 100, 2000), watch)))
        .onComplete(ctx.succeeding(o -> ctx.verify(() -> {
          assertThat(o.complete()).isFalse();
          assertThat(o.people()).extracting(ObservedPerson::id).containsExactly(ok);
          assertThat(o.gone()).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void aThrottledPersonFailsTheCycle(Vertx vertx, VertxTestContext ctx) {
    String a = PersonIds.personId("us", UUID.randomUUID());
    GatewayConfig.Watch watch = new GatewayConfig.Watch(false, List.of(a));
    simulator(vertx, 0).compose(sim -> sim.putPerson(a, new JsonObject().put("status", "active"))
            .compose(x -> sim.fault(new JsonObject().put("status", 429).put("retryAfter", "3")))
            .compose(x -> failure(observe(vertx, sim.webex(watch, 100, 2000), watch))))
        .onComplete(ctx.succeeding(e -> ctx.verify(() -> {
          assertThat(e.kind()).isEqualTo(Kind.THROTTLED);
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3));
          ctx.completeNow();
        })));
  }

  /** A fake Webex whose listing misbehaves: {@code link} builds the Link header from the server's port. */
  private static Future<Integer> fakeWebex(Vertx vertx, Function<Integer, String> link) {
    Router router = Router.router(vertx);
    int[] port = new int[1];
    router.get("/v1/people").handler(c -> c.response().putHeader("TrackingID", "FAKE_1")
        .putHeader("Link", link.apply(port[0])).putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("items", new JsonArray().add(new JsonObject()
            .put("id", PersonIds.personId("us", new UUID(1, 1))).put("status", "active")
            .put("lastActivity", "2025-08-15T18:42:27.199+02:00"))).encode()));
    return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").map(s -> port[0] = s.actualPort());
  }

  private static GatewayConfig.Webex fakeConfig(int port) {
    return new GatewayConfig.Webex(URI.create("http://127.0.0.1:" + port + "/v1"), "t", ORG, 10, 50, 4, 2000,
        Duration.ofSeconds(15), Duration.ofSeconds(600));
  }

  /**
   * A fake Webex listing {@code pages} pages of one person each ({@code ?page=N}), every answer after
   * {@code delayMs}; page 0 answers {@code firstBody} when given. Counts the requests in flight.
   */
  private record PagedFake(int port, List<String> paths, AtomicInteger maxInFlight, AtomicInteger answered) {
    static Future<PagedFake> start(Vertx vertx, int pages, long delayMs, String firstBody) {
      List<String> paths = new CopyOnWriteArrayList<>();
      AtomicInteger inFlight = new AtomicInteger();
      AtomicInteger maxInFlight = new AtomicInteger();
      AtomicInteger answered = new AtomicInteger();
      Router router = Router.router(vertx);
      router.get("/v1/people").handler(c -> {
        paths.add(c.request().uri());
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        int page = Integer.parseInt(c.request().getParam("page", "0"));
        String body = page == 0 && firstBody != null ? firstBody : new JsonObject().put("items", new JsonArray()
            .add(new JsonObject().put("id", PersonIds.personId("us", new UUID(page, page))).put("status", "active"))).encode();
        if (page + 1 < pages) {
          c.response().putHeader("Link", "</v1/people?page=" + (page + 1) + ">; rel=\"next\"");
        }
        vertx.setTimer(delayMs, t -> {
          inFlight.decrementAndGet();
          answered.incrementAndGet();
          c.response().putHeader("Content-Type", "application/json").end(body);
        });
      });
      return vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .map(s -> new PagedFake(s.actualPort(), paths, maxInFlight, answered));
    }
  }

  @Test
  void theListingAsksForTheNextPageBeforeReadingOneButNeverHasTwoInFlight(Vertx vertx, VertxTestContext ctx) {
    PagedFake.start(vertx, 6, 20, null)
        .compose(fake -> observe(vertx, fakeConfig(fake.port()), ORG).map(o -> {
          ctx.verify(() -> {
            assertThat(o.complete()).isTrue();
            assertThat(o.people()).extracting(p -> PersonIds.key(p.id()))
                .containsExactlyElementsOf(IntStream.range(0, 6).mapToObj(i -> new UUID(i, i).toString()).toList());
            assertThat(fake.paths()).containsExactlyElementsOf(
                IntStream.range(0, 6).mapToObj(i -> i == 0 ? "/v1/people?max=10" : "/v1/people?page=" + i).toList());
            assertThat(fake.maxInFlight().get()).isEqualTo(1);
          });
          return o;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anUnreadablePageFailsTheCycleOnceThePageAskedForAheadIsAnswered(Vertx vertx, VertxTestContext ctx) {
    PagedFake.start(vertx, 3, 300, "{\"items\":5}")
        .compose(fake -> failure(observe(vertx, fakeConfig(fake.port()), ORG)).map(e -> {
          int answeredAtFailure = fake.answered().get();
          ctx.verify(() -> {
            assertThat(e.kind()).isEqualTo(Kind.BAD_RESPONSE);
            assertThat(e.getMessage()).contains("no 'items' array");
            assertThat(fake.paths()).as("page 1 was asked for while page 0 was read, page 2 never")
                .containsExactly("/v1/people?max=10", "/v1/people?page=1");
            assertThat(answeredAtFailure).as("the failure waited for the answer to page 1").isEqualTo(2);
          });
          return e;
        }))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void aPagingLoopIsRefused(Vertx vertx, VertxTestContext ctx) {
    fakeWebex(vertx, port -> "</v1/people?max=10>; rel=\"next\"")
        .compose(port -> failure(observe(vertx, fakeConfig(port), ORG)))
        .onComplete(ctx.succeeding(e -> ctx.verify(() -> {
          assertThat(e.kind()).isEqualTo(Kind.BAD_RESPONSE);
          assertThat(e.getMessage()).contains("paging loop");
          assertThat(e.trackingId()).isEqualTo("FAKE_1");
          ctx.completeNow();
        })));
  }

  @Test
  void aNextLinkToAnotherHostIsNotFollowedWithOurToken(Vertx vertx, VertxTestContext ctx) {
    fakeWebex(vertx, port -> "<http://127.0.0.2:" + port + "/v1/people?cursor=x>; rel=\"next\"")
        .compose(port -> failure(observe(vertx, fakeConfig(port), ORG)))
        .onComplete(ctx.succeeding(e -> ctx.verify(() -> {
          assertThat(e.getMessage()).contains("another host");
          ctx.completeNow();
        })));
  }

  @Test
  void timestampsAreNormalisedToUtcMillis(Vertx vertx, VertxTestContext ctx) {
    fakeWebex(vertx, port -> "<http://127.0.0.1:" + port + "/v1/people?cursor=x>; rel=\"prev\"")
        .compose(port -> observe(vertx, fakeConfig(port), ORG))
        .onComplete(ctx.succeeding(o -> ctx.verify(() -> {
          assertThat(o.complete()).isTrue();
          assertThat(o.people()).singleElement().extracting(ObservedPerson::lastActivity).isEqualTo("2025-08-15T16:42:27.199Z");
          ctx.completeNow();
        })));
  }
}
