package io.presencegateway.simulator;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.event.PersonIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class WebexSimulatorVerticleTest {
  static final String SEED_ID = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9hODA4YmVmYS05MTM4LTQ2MWMtYjlhZi0zOTJjNzg0ZTBjMWE";
  static final String SEED_ORG = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8xNzExMTdkNi04YjgyLTQ0Y2EtOThlOS1hYzExNTdmMmNkMWQ";

  private static HttpRequest<Buffer> api(SimulatorControl sim, String uri) {
    return sim.http().get(sim.port(), "127.0.0.1", uri).bearerTokenAuthentication(SimulatorControl.TOKEN);
  }

  @Test
  void listsTheOrgInPagesFollowingLinkNext(Vertx vertx, VertxTestContext ctx) {
    List<JsonObject> seen = new ArrayList<>();
    List<HttpResponse<Buffer>> pages = new ArrayList<>();
    SimulatorControl.start(vertx, 7, 1)
        .compose(sim -> api(sim, "/v1/people?max=3").send()
            .compose(p1 -> { pages.add(p1); return api(sim, nextPath(p1)).send(); })
            .compose(p2 -> { pages.add(p2); return api(sim, nextPath(p2)).send(); })
            .onSuccess(pages::add))
        .onComplete(ctx.succeeding(last -> ctx.verify(() -> {
          pages.forEach(p -> {
            assertThat(p.statusCode()).isEqualTo(200);
            assertThat(p.getHeader("TrackingID")).isNotBlank();
            p.bodyAsJsonObject().getJsonArray("items").forEach(o -> seen.add((JsonObject) o));
          });
          assertThat(pages.get(0).getHeader("Link")).matches("<http://127\\.0\\.0\\.1:\\d+/v1/people\\?max=3&cursor=[A-Za-z0-9_-]+>; rel=\"next\"");
          assertThat(pages.get(2).getHeader("Link")).isNull();
          assertThat(pages.stream().map(p -> p.bodyAsJsonObject().getJsonArray("items").size())).containsExactly(3, 3, 1);
          assertThat(seen).extracting(p -> p.getString("id")).doesNotHaveDuplicates().allMatch(PersonIds::isValid);
          assertThat(seen).extracting(p -> p.getString("orgId")).containsOnly(seen.get(0).getString("orgId"));
          JsonObject person = seen.get(0);
          assertThat(person.fieldNames()).contains("id", "emails", "displayName", "firstName", "lastName", "orgId",
              "created", "lastModified", "lastActivity");
          assertThat(person.getJsonArray("emails").getString(0)).contains("@");
          ctx.completeNow();
        })));
  }

  /**
   * The list is served from each person's JSON kept since their last change: a page is exactly what
   * encoding the people afresh would give, also after an update (in place), a removal and an addition (last).
   */
  @Test
  void aListedPageIsThePeopleAsTheyAreNow(Vertx vertx, VertxTestContext ctx) {
    String added = PersonIds.personId("us", UUID.randomUUID());
    List<String> bodies = new ArrayList<>();
    List<JsonArray> expected = new ArrayList<>();
    SimulatorControl.start(vertx, 5, 1)
        .compose(sim -> api(sim, "/v1/people?max=10").send().map(r -> bodies.add(r.bodyAsString()))
            .compose(x -> sim.people()).map(expected::add)
            .compose(x -> sim.putPerson(expected.get(0).getJsonObject(2).getString("id"), new JsonObject()
                .put("status", "FocusTime").put("lastActivity", "2025-08-15T16:42:27.199Z")))
            .compose(x -> sim.deletePerson(expected.get(0).getJsonObject(0).getString("id")))
            .compose(x -> sim.putPerson(added, new JsonObject().put("status", "call")))
            .compose(x -> api(sim, "/v1/people?max=10").send().map(r -> bodies.add(r.bodyAsString())))
            .compose(x -> sim.people()).map(expected::add))
        .onComplete(ctx.succeeding(x -> ctx.verify(() -> {
          for (int i = 0; i < 2; i++) {
            assertThat(bodies.get(i)).isEqualTo(new JsonObject().put("items", expected.get(i)).encode());
          }
          JsonArray before = expected.get(0);
          JsonArray after = expected.get(1);
          assertThat(ids(after)).containsExactly(ids(before).get(1), ids(before).get(2), ids(before).get(3),
              ids(before).get(4), added);
          assertThat(after.getJsonObject(1).getString("status")).isEqualTo("FocusTime");
          assertThat(after.getJsonObject(0)).isEqualTo(before.getJsonObject(1));
          ctx.completeNow();
        })));
  }

  private static String nextPath(HttpResponse<Buffer> page) {
    String link = page.getHeader("Link");
    String url = link.substring(1, link.indexOf('>'));
    return url.substring(url.indexOf("/v1/"));
  }

  @Test
  void refusesAMissingOrWrongTokenWithAWebexErrorBody(Vertx vertx, VertxTestContext ctx) {
    SimulatorControl.start(vertx, 2, 1)
        .compose(sim -> sim.http().get(sim.port(), "127.0.0.1", "/v1/people").send()
            .compose(none -> sim.http().get(sim.port(), "127.0.0.1", "/v1/people").bearerTokenAuthentication("wrong").send()
                .map(wrong -> List.of(none, wrong))))
        .onComplete(ctx.succeeding(responses -> ctx.verify(() -> {
          for (HttpResponse<Buffer> r : responses) {
            assertThat(r.statusCode()).isEqualTo(401);
            JsonObject body = r.bodyAsJsonObject();
            assertThat(body.getString("message")).contains("access token");
            assertThat(body.getJsonArray("errors").getJsonObject(0).getString("description")).isNotBlank();
            assertThat(body.getString("trackingId")).isEqualTo(r.getHeader("TrackingID"));
          }
          ctx.completeNow();
        })));
  }

  @Test
  void unknownPersonIs404WithWebexErrorBody(Vertx vertx, VertxTestContext ctx) {
    String unknown = PersonIds.personId("us", UUID.randomUUID());
    SimulatorControl.start(vertx, 2, 1)
        .compose(sim -> api(sim, "/v1/people/" + unknown).send())
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(404);
          assertThat(r.bodyAsJsonObject().getString("trackingId")).isEqualTo(r.getHeader("TrackingID"));
          assertThat(r.bodyAsJsonObject().getJsonArray("errors")).hasSize(1);
          ctx.completeNow();
        })));
  }

  @Test
  void theSameSeedGivesTheSamePeople(Vertx vertx, VertxTestContext ctx) {
    Future.all(List.of(SimulatorControl.start(vertx, 12, 42).compose(SimulatorControl::people),
            SimulatorControl.start(vertx, 12, 42).compose(SimulatorControl::people),
            SimulatorControl.start(vertx, 12, 43).compose(SimulatorControl::people)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<String> a = ids(all.resultAt(0));
          assertThat(a).hasSize(12).doesNotHaveDuplicates();
          assertThat(ids(all.resultAt(1))).isEqualTo(a);
          assertThat(ids(all.resultAt(2))).doesNotContainAnyElementsOf(a);
          ctx.completeNow();
        })));
  }

  private static List<String> ids(JsonArray people) {
    return people.stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  @Test
  void controlCreatesThePersonOfTheSeedExactly(Vertx vertx, VertxTestContext ctx) {
    JsonObject create = new JsonObject().put("orgId", SEED_ORG).put("lastModified", "2025-06-05T13:24:42.790Z")
        .put("status", "inactive").put("lastActivity", "2025-08-15T16:30:00.000Z");
    SimulatorControl.start(vertx, 0, 1)
        .compose(sim -> sim.putPerson(SEED_ID, create)
            .compose(created -> sim.putPerson(SEED_ID, new JsonObject().put("status", "DoNotDisturb")
                .put("lastActivity", "2025-08-15T16:42:27.199Z")).map(updated -> List.of(created, updated)))
            .compose(done -> api(sim, "/v1/people/" + SEED_ID).send().map(read -> List.of(done.get(0), done.get(1), read))))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.get(0).statusCode()).isEqualTo(201);
          assertThat(r.get(1).statusCode()).isEqualTo(200);
          JsonObject person = r.get(2).bodyAsJsonObject();
          assertThat(person.getString("id")).isEqualTo(SEED_ID);
          assertThat(person.getString("orgId")).isEqualTo(SEED_ORG);
          assertThat(person.getString("lastModified")).isEqualTo("2025-06-05T13:24:42.790Z");
          assertThat(person.getString("status")).isEqualTo("DoNotDisturb");
          assertThat(person.getString("lastActivity")).isEqualTo("2025-08-15T16:42:27.199Z");
          ctx.completeNow();
        })));
  }

  @Test
  void statusNullMeansNoStatusFieldAndAnyStringPassesThrough(Vertx vertx, VertxTestContext ctx) {
    String id = PersonIds.personId("us", UUID.randomUUID());
    SimulatorControl.start(vertx, 0, 1)
        .compose(sim -> sim.putPerson(id, new JsonObject().put("status", "FocusTime"))
            .compose(odd -> sim.putPerson(id, new JsonObject().putNull("status")).map(none -> List.of(odd, none))))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.get(0).bodyAsJsonObject().getString("status")).isEqualTo("FocusTime");
          assertThat(r.get(1).bodyAsJsonObject().containsKey("status")).isFalse();
          ctx.completeNow();
        })));
  }

  @Test
  void deletedPeopleAreGone(Vertx vertx, VertxTestContext ctx) {
    SimulatorControl.start(vertx, 3, 1)
        .compose(sim -> sim.people().compose(people -> {
          String id = people.getJsonObject(0).getString("id");
          return sim.deletePerson(id)
              .compose(d -> api(sim, "/v1/people/" + id).send())
              .compose(get -> sim.http().delete(sim.port(), "127.0.0.1", "/v1/simulator/people/" + id).send()
                  .map(again -> List.of(get, again)));
        }))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.get(0).statusCode()).isEqualTo(404);
          assertThat(r.get(1).statusCode()).isEqualTo(404);
          assertThat(r.get(1).bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("not_found");
          ctx.completeNow();
        })));
  }

  @Test
  void badControlInputIs400Json(Vertx vertx, VertxTestContext ctx) {
    String id = PersonIds.personId("us", UUID.randomUUID());
    SimulatorControl.start(vertx, 0, 1)
        .compose(sim -> Future.all(List.of(
            sim.http().put(sim.port(), "127.0.0.1", "/v1/simulator/people/not-an-id").sendJsonObject(new JsonObject()),
            sim.http().put(sim.port(), "127.0.0.1", "/v1/simulator/people/" + id).sendJsonObject(new JsonObject().put("stauts", "active")),
            sim.http().put(sim.port(), "127.0.0.1", "/v1/simulator/people/" + id).sendJsonObject(new JsonObject().put("status", 3)),
            sim.http().put(sim.port(), "127.0.0.1", "/v1/simulator/people/" + id).sendJsonObject(new JsonObject().put("lastActivity", "yesterday")),
            sim.http().put(sim.port(), "127.0.0.1", "/v1/simulator/people/" + id).sendBuffer(Buffer.buffer("{not json")),
            sim.http().post(sim.port(), "127.0.0.1", "/v1/simulator/faults").sendJsonObject(new JsonObject().put("status", 99)),
            sim.http().post(sim.port(), "127.0.0.1", "/v1/simulator/faults").sendJsonObject(new JsonObject().put("times", 2)))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (int i = 0; i < all.size(); i++) {
            HttpResponse<Buffer> r = all.resultAt(i);
            assertThat(r.statusCode()).as("request %d", i).isEqualTo(400);
            assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).as("request %d", i).isNotBlank();
          }
          ctx.completeNow();
        })));
  }

  @Test
  void injectedFaultsHitTheNextMatchingRequestsOnly(Vertx vertx, VertxTestContext ctx) {
    SimulatorControl.start(vertx, 2, 1)
        .compose(sim -> sim.fault(new JsonObject().put("status", 429).put("retryAfter", "2").put("times", 1))
            .compose(f -> sim.fault(new JsonObject().put("status", 503).put("pathPrefix", "/v1/people/").put("times", 1)))
            .compose(f -> api(sim, "/v1/people").send())
            .compose(throttled -> api(sim, "/v1/people").send().map(ok -> List.of(throttled, ok)))
            .compose(r -> sim.people().compose(p -> api(sim, "/v1/people/" + p.getJsonObject(0).getString("id")).send())
                .map(unavailable -> List.of(r.get(0), r.get(1), unavailable)))
            .compose(r -> sim.requests().map(log -> {
              ctx.verify(() -> assertThat(log).hasSize(3)); // control calls are not logged
              return r;
            })))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.get(0).statusCode()).isEqualTo(429);
          assertThat(r.get(0).getHeader("Retry-After")).isEqualTo("2");
          assertThat(r.get(0).bodyAsJsonObject().getString("trackingId")).isEqualTo(r.get(0).getHeader("TrackingID"));
          assertThat(r.get(1).statusCode()).isEqualTo(200);
          assertThat(r.get(2).statusCode()).isEqualTo(503);
          ctx.completeNow();
        })));
  }

  @Test
  void aDelayFaultSlowsTheAnswer(Vertx vertx, VertxTestContext ctx) {
    long[] started = new long[1];
    SimulatorControl.start(vertx, 1, 1)
        .compose(sim -> sim.fault(new JsonObject().put("delayMs", 300))
            .compose(f -> {
              started[0] = System.currentTimeMillis();
              return api(sim, "/v1/people").send();
            }))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(System.currentTimeMillis() - started[0]).isGreaterThanOrEqualTo(300);
          ctx.completeNow();
        })));
  }

  @Test
  void peopleChangePresenceOverTime(Vertx vertx, VertxTestContext ctx) {
    WebexSimulatorVerticle simulator =
        new WebexSimulatorVerticle(new GatewayConfig.Simulator("127.0.0.1", 0, 5, 7, 20), "t");
    WebClient client = WebClient.create(vertx);
    vertx.deployVerticle(simulator)
        .compose(id -> client.get(simulator.actualPort(), "127.0.0.1", "/v1/simulator/people").send())
        .compose(first -> {
          String before = statuses(first.bodyAsJsonObject().getJsonArray("items"));
          return Eventually.until(vertx, 5000, "a simulated presence change", () ->
              client.get(simulator.actualPort(), "127.0.0.1", "/v1/simulator/people").send()
                  .map(r -> !statuses(r.bodyAsJsonObject().getJsonArray("items")).equals(before)));
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  private static String statuses(JsonArray people) {
    StringBuilder b = new StringBuilder();
    people.forEach(o -> b.append(((JsonObject) o).getString("status")).append(((JsonObject) o).getString("lastActivity")));
    return b.toString();
  }
}
