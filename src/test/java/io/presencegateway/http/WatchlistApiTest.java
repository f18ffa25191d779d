package io.presencegateway.http;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.ConfigLoader;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.event.PersonIds;
import io.presencegateway.poll.Observation;
import io.presencegateway.poll.ObservedPerson;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.poll.PresenceDiff;
import io.presencegateway.event.StatusMessages;
import io.presencegateway.store.WatchlistStore;
import io.presencegateway.store.WebhookStores;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.presencegateway.store.memory.MemoryUpstreamStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** /v1/watchlist and /v1/people over HTTP, on one HTTP verticle with memory stores. */
@ExtendWith(VertxExtension.class)
class WatchlistApiTest {
  private static final UUID ANA_UUID = UUID.randomUUID();
  private static final String ANA = PersonIds.personId("us", ANA_UUID);
  private static final String ANA_PADDED = Base64.getEncoder()
      .encodeToString(("ciscospark://us/PEOPLE/" + ANA_UUID).getBytes(StandardCharsets.US_ASCII));
  private static final String BEN = PersonIds.personId("us", UUID.randomUUID());

  private WebClient client;
  private int port;
  private GatewayServices services;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    GatewayConfig config = ConfigLoader.load(new JsonObject().put("HTTP_HOST", "127.0.0.1").put("WEBEX_WATCH_MAX", 3), Map.of());
    services = new GatewayServices(config, new MemoryPresenceStore(vertx, 100), new PollStatus());
    HttpVerticle http = new HttpVerticle(services, 0);
    client = WebClient.create(vertx);
    vertx.deployVerticle(http).onComplete(ctx.succeeding(id -> {
      port = http.actualPort();
      ctx.completeNow();
    }));
  }

  private Future<HttpResponse<Buffer>> call(HttpMethod method, String path, String body) {
    var request = client.request(method, port, "127.0.0.1", path);
    return body == null ? request.send() : request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body));
  }

  @Test
  void replaceAddRemoveWithOneEntryPerPerson(VertxTestContext ctx) {
    call(HttpMethod.GET, "/v1/watchlist", null)
        .compose(get -> {
          ctx.verify(() -> assertThat(get.bodyAsJsonObject()).isEqualTo(new JsonObject("{\"mode\":\"org\",\"ids\":[]}")));
          return call(HttpMethod.PUT, "/v1/watchlist", "{\"ids\":[\"" + ANA + "\",\"" + ANA_PADDED + "\",\"" + ANA_UUID + "\"]}");
        })
        .compose(put -> {
          ctx.verify(() -> {
            assertThat(put.statusCode()).isEqualTo(200);
            assertThat(put.bodyAsJsonObject().getJsonArray("ids").getList()).containsExactly(ANA);
          });
          return call(HttpMethod.POST, "/v1/watchlist", "{\"ids\":[\"" + BEN + "\"]}");
        })
        .compose(post -> {
          ctx.verify(() -> assertThat(post.bodyAsJsonObject().getJsonArray("ids").getList()).containsExactly(ANA, BEN));
          return call(HttpMethod.DELETE, "/v1/watchlist/" + ANA_PADDED, null);
        })
        .compose(deleted -> {
          ctx.verify(() -> assertThat(deleted.statusCode()).isEqualTo(204));
          return call(HttpMethod.DELETE, "/v1/watchlist/" + ANA, null);
        })
        .compose(again -> {
          ctx.verify(() -> assertThat(again.statusCode()).isEqualTo(404));
          return call(HttpMethod.PUT, "/v1/watchlist", "{\"mode\":\"org\"}");
        })
        .compose(org -> {
          ctx.verify(() -> assertThat(org.bodyAsJsonObject().getString("mode")).isEqualTo("org"));
          return call(HttpMethod.POST, "/v1/watchlist", "{\"ids\":[\"" + BEN + "\"]}");
        })
        .onComplete(ctx.succeeding(conflict -> ctx.verify(() -> {
          assertThat(conflict.statusCode()).isEqualTo(409);
          assertThat(conflict.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("conflict");
          ctx.completeNow();
        })));
  }

  /** An edit that keeps losing its compare-and-set to other instances: 409 with Retry-After, never a 500. */
  @Test
  void anEditLosingToConcurrentEditsIs409WithRetryAfter(Vertx vertx, VertxTestContext ctx) {
    WatchlistStore busy = new WatchlistStore() {
      @Override
      public Future<java.util.Optional<GatewayConfig.Watch>> watch() {
        return Future.succeededFuture(java.util.Optional.of(new GatewayConfig.Watch(false, List.of(BEN))));
      }

      @Override
      public Future<Boolean> compareAndSet(java.util.Optional<GatewayConfig.Watch> expected, GatewayConfig.Watch next) {
        return Future.succeededFuture(false);
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    };
    GatewayServices contended = new GatewayServices(services.config(), services.store(), new PollStatus(), WebhookStores.memory(),
        busy, new MemoryUpstreamStore());
    HttpVerticle http = new HttpVerticle(contended, 0);
    vertx.deployVerticle(http)
        .compose(id -> client.post(http.actualPort(), "127.0.0.1", "/v1/watchlist").sendJsonObject(new JsonObject().put("ids", List.of(ANA))))
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(409);
          assertThat(r.getHeader("Retry-After")).isEqualTo("1");
          assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("conflict");
          assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("send it again");
          ctx.completeNow();
        })));
  }

  @Test
  void badInputGets400NamingTheIds(VertxTestContext ctx) {
    call(HttpMethod.PUT, "/v1/watchlist", "{\"ids\":[\"" + ANA + "\",\"bogus-1\",\"bogus-2\"]}")
        .compose(bad -> {
          ctx.verify(() -> {
            assertThat(bad.statusCode()).isEqualTo(400);
            assertThat(bad.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("bogus-1", "bogus-2");
          });
          return call(HttpMethod.PUT, "/v1/watchlist", "{\"ids\":[\"" + ANA + "\",\"" + BEN + "\",\"" + PersonIds.personId("us", UUID.randomUUID())
              + "\",\"" + PersonIds.personId("us", UUID.randomUUID()) + "\"]}");
        })
        .compose(tooMany -> {
          ctx.verify(() -> {
            assertThat(tooMany.statusCode()).isEqualTo(400);
            assertThat(tooMany.bodyAsString()).contains("WEBEX_WATCH_MAX");
          });
          return call(HttpMethod.PUT, "/v1/watchlist", "{\"mode\":\"everyone\"}");
        })
        .compose(mode -> {
          ctx.verify(() -> assertThat(mode.statusCode()).isEqualTo(400));
          return call(HttpMethod.POST, "/v1/watchlist", "[1,2]");
        })
        .compose(notObject -> {
          ctx.verify(() -> assertThat(notObject.statusCode()).isEqualTo(400));
          return call(HttpMethod.GET, "/v1/watchlist", null);
        })
        .onComplete(ctx.succeeding(unchanged -> ctx.verify(() -> {
          assertThat(unchanged.bodyAsJsonObject().getString("mode")).isEqualTo("org");
          ctx.completeNow();
        })));
  }

  @Test
  void theDirectoryListsNameEmailAndStatusOfWatchedPeople(VertxTestContext ctx) {
    Observation seen = new Observation(List.of(
        new ObservedPerson(ANA, "active", null, null, null, "org", "Ana Almeida", "ana@example.com"),
        new ObservedPerson(BEN, "call", null, null, null, "org", "Ben Berg", "ben@example.com")), Set.of(), true);
    PresenceDiff.Result baseline = PresenceDiff.compute(Map.of(), seen, new StatusMessages(Map.of()));
    services.store().acquireLease("test", java.time.Duration.ofSeconds(5))
        .compose(lease -> services.store().apply(lease.getAsLong(), Instant.now(), baseline))
        .compose(x -> call(HttpMethod.GET, "/v1/people", null))
        .compose(all -> {
          ctx.verify(() -> {
            assertThat(all.statusCode()).isEqualTo(200);
            assertThat(all.bodyAsJsonObject().getJsonArray("items")).hasSize(2);
            assertThat(all.bodyAsJsonObject().getJsonArray("items")).contains(new JsonObject().put("id", ANA)
                .put("displayName", "Ana Almeida").put("email", "ana@example.com").put("status", "active"));
          });
          return call(HttpMethod.GET, "/v1/people/" + ANA_PADDED, null);
        })
        .compose(one -> {
          ctx.verify(() -> assertThat(one.bodyAsJsonObject().getString("displayName")).isEqualTo("Ana Almeida"));
          return call(HttpMethod.GET, "/v1/people/" + PersonIds.personId("us", UUID.randomUUID()), null);
        })
        .compose(unknown -> {
          ctx.verify(() -> assertThat(unknown.statusCode()).isEqualTo(404));
          return call(HttpMethod.GET, "/v1/people/" + ANA + "/status-messages", null);
        })
        .onComplete(ctx.succeeding(messages -> ctx.verify(() -> {
          assertThat(messages.statusCode()).as("status-message routes still answer").isEqualTo(200);
          ctx.completeNow();
        })));
  }

  @Test
  void readinessReportsAStoppedPollerWithItsReason(Vertx vertx) {
    PollStatus poll = new PollStatus();
    poll.leader(true);
    poll.stopped("Webex token refresh impossible: invalid_grant; set a new WEBEX_REFRESH_TOKEN and restart");
    Status status = new HealthApi(vertx, services).pollerStatus(poll, Instant.now());
    assertThat(status.isOk()).isFalse();
    assertThat(status.getData().getString("error")).contains("polling stopped", "invalid_grant", "WEBEX_REFRESH_TOKEN");
  }

  @Test
  void readinessShowsTheEffectiveIntervalAndThrottle(Vertx vertx) {
    PollStatus poll = new PollStatus();
    poll.leader(true);
    poll.succeeded(Instant.now(), 2);
    poll.effectiveIntervalMs(12_000);
    poll.throttledUntil(Instant.now().plusSeconds(10));
    poll.cycleCalls(3);
    Status status = new HealthApi(vertx, services).pollerStatus(poll, Instant.now());
    assertThat(status.getData().getLong("effectiveIntervalMs")).isEqualTo(12_000);
    assertThat(status.getData().getBoolean("throttled")).isTrue();
    assertThat(status.getData().getLong("callsLastCycle")).isEqualTo(3);
  }
}
