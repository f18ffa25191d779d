package io.presencegateway.http;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.ConfigLoader;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class StatusMessageApiTest {
  private static final String ID = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9hODA4YmVmYS05MTM4LTQ2MWMtYjlhZi0zOTJjNzg0ZTBjMWE";
  private static final String SAME_PERSON_PADDED = ID + "=";

  private WebClient client;
  private int port;

  @BeforeEach
  void start(Vertx vertx, VertxTestContext ctx) {
    client = WebClient.create(vertx);
    gateway(vertx, new JsonObject()).onComplete(ctx.succeeding(p -> {
      port = p;
      ctx.completeNow();
    }));
  }

  /** A gateway on a memory store with {@code settings} on top; its port. */
  private static io.vertx.core.Future<Integer> gateway(Vertx vertx, JsonObject settings) {
    GatewayConfig config = ConfigLoader.load(settings.copy().put("HTTP_HOST", "127.0.0.1"), Map.of());
    GatewayServices services = new GatewayServices(config, new MemoryPresenceStore(vertx, 100), new PollStatus());
    HttpVerticle http = new HttpVerticle(services, 0);
    return vertx.deployVerticle(http).map(id -> http.actualPort());
  }

  private io.vertx.core.Future<HttpResponse<Buffer>> call(HttpMethod method, String path, String body) {
    var request = client.request(method, port, "127.0.0.1", path);
    return body == null ? request.send() : request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body));
  }

  @Test
  void storesTrimsListsAndDeletesWithAliases(VertxTestContext ctx) {
    call(HttpMethod.PUT, "/v1/people/" + ID + "/status-messages/dnd", "{\"statusMessage\":\"  heads down  \"}")
        .compose(put -> {
          ctx.verify(() -> {
            assertThat(put.statusCode()).isEqualTo(200);
            assertThat(put.bodyAsJsonObject().getString("status")).isEqualTo("DoNotDisturb");
            assertThat(put.bodyAsJsonObject().getString("statusMessage")).isEqualTo("heads down");
          });
          return call(HttpMethod.PUT, "/v1/people/" + ID + "/status-messages/OutOfOffice", "{\"statusMessage\":\"Out of office\"}");
        })
        .compose(put -> call(HttpMethod.GET, "/v1/people/" + SAME_PERSON_PADDED + "/status-messages", null))
        .compose(list -> {
          ctx.verify(() -> assertThat(list.bodyAsJsonObject().getJsonObject("statusMessages").getMap())
              .containsEntry("DoNotDisturb", "heads down").containsEntry("OutOfOffice", "Out of office"));
          return call(HttpMethod.DELETE, "/v1/people/" + ID + "/status-messages/oof", null);
        })
        .compose(del -> {
          ctx.verify(() -> assertThat(del.statusCode()).isEqualTo(204));
          return call(HttpMethod.DELETE, "/v1/people/" + ID + "/status-messages/oof", null);
        })
        .onComplete(ctx.succeeding(again -> ctx.verify(() -> {
          assertThat(again.statusCode()).isEqualTo(404);
          assertThat(again.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("not_found");
          ctx.completeNow();
        })));
  }

  @Test
  void badInputGetsAClearJsonError(VertxTestContext ctx) {
    var checks = ctx.checkpoint(6);
    expect400(ctx, checks, HttpMethod.PUT, "/v1/people/not-an-id/status-messages/dnd", "{\"statusMessage\":\"x\"}", "not a Webex person id");
    expect400(ctx, checks, HttpMethod.PUT, "/v1/people/" + ID + "/status-messages/%20bad%20", "{\"statusMessage\":\"x\"}", "is not a status");
    expect400(ctx, checks, HttpMethod.PUT, "/v1/people/" + ID + "/status-messages/dnd", "{oops", "JSON object");
    expect400(ctx, checks, HttpMethod.PUT, "/v1/people/" + ID + "/status-messages/dnd", "{\"statusMessage\":42}", "at statusMessage: Instance type number is invalid. Expected string");
    expect400(ctx, checks, HttpMethod.PUT, "/v1/people/" + ID + "/status-messages/dnd", "{\"statusMessage\":\"" + "x".repeat(1001) + "\"}", "at statusMessage: String is too long");
    expect400(ctx, checks, HttpMethod.GET, "/v1/presence?ids=nobody", null, "not a Webex person id");
  }

  @Test
  void oversizedBodyIsRefusedWith413(VertxTestContext ctx) {
    String huge = "{\"statusMessage\":\"" + "x".repeat(70_000) + "\"}";
    call(HttpMethod.PUT, "/v1/people/" + ID + "/status-messages/dnd", huge).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("payload_too_large");
      ctx.completeNow();
    })));
  }

  @Test
  void unknownPersonIs404AndUnknownRouteIsJson(VertxTestContext ctx) {
    var checks = ctx.checkpoint(2);
    call(HttpMethod.GET, "/v1/presence/" + ID, null).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(404);
      checks.flag();
    })));
    call(HttpMethod.GET, "/v1/nothing-here", null).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.getHeader("Content-Type")).startsWith("application/json");
      checks.flag();
    })));
  }

  private void expect400(VertxTestContext ctx, io.vertx.junit5.Checkpoint checks, HttpMethod method, String path, String body, String text) {
    call(method, path, body).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).as(path).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).contains(text);
      checks.flag();
    })));
  }

  @Test
  void aPersonHoldsABoundedNumberOfMessages(VertxTestContext ctx) {
    io.vertx.core.Future<HttpResponse<Buffer>> chain = io.vertx.core.Future.succeededFuture();
    for (int i = 0; i < StatusMessageApi.MAX_PER_PERSON; i++) {
      String status = "custom" + i;
      chain = chain.compose(r -> call(HttpMethod.PUT, "/v1/people/" + ID + "/status-messages/" + status, "{\"statusMessage\":\"x\"}"));
    }
    chain.compose(r -> call(HttpMethod.PUT, "/v1/people/" + ID + "/status-messages/oneTooMany", "{\"statusMessage\":\"x\"}"))
        .compose(tooMany -> {
          ctx.verify(() -> assertThat(tooMany.statusCode()).isEqualTo(409));
          return call(HttpMethod.PUT, "/v1/people/" + ID + "/status-messages/custom0", "{\"statusMessage\":\"replaced\"}");
        })
        .onComplete(ctx.succeeding(replace -> ctx.verify(() -> {
          assertThat(replace.statusCode()).as("replacing an existing one is fine").isEqualTo(200);
          ctx.completeNow();
        })));
  }

  /**
   * Messages for any number of people used to be accepted, and every poll cycle reads them all: the
   * total is capped by STATUS_MESSAGES_MAX (409 JSON beyond it; replacing one still works).
   */
  @Test
  void theGatewayHoldsABoundedNumberOfMessagesInAll(Vertx vertx, VertxTestContext ctx) {
    String[] people = new String[4];
    for (int i = 0; i < people.length; i++) {
      people[i] = io.presencegateway.event.PersonIds.personId("us", java.util.UUID.randomUUID());
    }
    gateway(vertx, new JsonObject().put("STATUS_MESSAGES_MAX", "3")).compose(small -> {
      port = small;
      return call(HttpMethod.PUT, "/v1/people/" + people[0] + "/status-messages/dnd", "{\"statusMessage\":\"a\"}")
          .compose(r -> call(HttpMethod.PUT, "/v1/people/" + people[1] + "/status-messages/dnd", "{\"statusMessage\":\"b\"}"))
          .compose(r -> call(HttpMethod.PUT, "/v1/people/" + people[2] + "/status-messages/dnd", "{\"statusMessage\":\"c\"}"))
          .compose(third -> {
            ctx.verify(() -> assertThat(third.statusCode()).isEqualTo(200));
            return call(HttpMethod.PUT, "/v1/people/" + people[3] + "/status-messages/dnd", "{\"statusMessage\":\"d\"}");
          })
          .compose(fourth -> {
            ctx.verify(() -> {
              assertThat(fourth.statusCode()).isEqualTo(409);
              assertThat(fourth.getHeader("Content-Type")).startsWith("application/json");
              JsonObject error = fourth.bodyAsJsonObject().getJsonObject("error");
              assertThat(error.getString("code")).isEqualTo("too_many_messages");
              assertThat(error.getString("message")).contains("STATUS_MESSAGES_MAX", "3");
            });
            return call(HttpMethod.PUT, "/v1/people/" + people[0] + "/status-messages/dnd", "{\"statusMessage\":\"a2\"}");
          })
          .compose(replaced -> {
            ctx.verify(() -> assertThat(replaced.statusCode()).as("replacing a stored one").isEqualTo(200));
            return call(HttpMethod.DELETE, "/v1/people/" + people[1] + "/status-messages/dnd", null);
          })
          .compose(deleted -> call(HttpMethod.PUT, "/v1/people/" + people[3] + "/status-messages/dnd", "{\"statusMessage\":\"d\"}"));
    }).onComplete(ctx.succeeding(afterDelete -> ctx.verify(() -> {
      assertThat(afterDelete.statusCode()).as("room again after a delete").isEqualTo(200);
      ctx.completeNow();
    })));
  }

  @Test
  void aMessageIsBoundedInBytesToo(VertxTestContext ctx) {
    String euros = "\u20ac".repeat(700); // 700 characters, 2100 bytes of UTF-8
    call(HttpMethod.PUT, "/v1/people/" + ID + "/status-messages/dnd", "{\"statusMessage\":\"" + euros + "\"}")
        .onComplete(ctx.succeeding(r -> ctx.verify(() -> {
          assertThat(r.statusCode()).isEqualTo(400);
          assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("message")).contains("2000 bytes");
          ctx.completeNow();
        })));
  }

  @Test
  void aFilterOfHundredsOfIdsFitsInTheQueryString(VertxTestContext ctx) {
    StringBuilder ids = new StringBuilder();
    for (int i = 0; i < 600; i++) {
      ids.append(i == 0 ? "" : ",").append(io.presencegateway.event.PersonIds.personId("us", java.util.UUID.randomUUID()));
    }
    call(HttpMethod.GET, "/v1/presence?ids=" + ids, null).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(200);
      ctx.completeNow();
    })));
  }
}
