package io.presencegateway.cluster;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.RawSettings;
import io.presencegateway.config.Setting;
import io.presencegateway.event.PersonIds;
import io.presencegateway.http.HttpVerticle;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.store.WebhookStores;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.presencegateway.store.memory.MemoryUpstreamStore;
import io.presencegateway.store.redis.RedisWatchlistStore;
import io.presencegateway.testsupport.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.http.PoolOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances on one Redis, 25 concurrent watch-list edits through each: every edit either
 * succeeds (and is in the final list) or is refused with 409 and a JSON body; none is a 500.
 */
class WatchlistContentionTest {
  private static final int PER_INSTANCE = 25;
  private final List<Vertx> instances = new ArrayList<>();
  private Vertx tools;

  @BeforeEach
  void setUp() {
    TestRedis.get().clean();
    tools = Vertx.vertx();
  }

  @AfterEach
  void tearDown() {
    instances.forEach(v -> result(v.close()));
    result(tools.close());
  }

  private int instance() {
    Vertx vertx = Vertx.vertx();
    instances.add(vertx);
    GatewayConfig config = GatewayConfig.from(RawSettings.defaults().with(Setting.HTTP_HOST, "127.0.0.1")
        .with(Setting.HTTP_PORT, "0").with(Setting.REDIS_URL, TestRedis.get().url()));
    GatewayServices services = new GatewayServices(config, new MemoryPresenceStore(vertx, 100), new PollStatus(),
        WebhookStores.memory(), new RedisWatchlistStore(vertx, config.store()), new MemoryUpstreamStore());
    HttpVerticle http = new HttpVerticle(services, 0);
    result(vertx.deployVerticle(http));
    return http.actualPort();
  }

  @Test
  void concurrentAddsOnTwoInstancesSucceedOrConflictNeverFail() {
    int a = instance();
    int b = instance();
    WebClient client = WebClient.create(tools, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(4 * PER_INSTANCE));
    assertThat(result(client.put(a, "127.0.0.1", "/v1/watchlist").sendJsonObject(new JsonObject().put("ids", List.of())))
        .statusCode()).isEqualTo(200);

    List<String> ids = new ArrayList<>();
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 2 * PER_INSTANCE; i++) {
      String id = PersonIds.personId("us", UUID.randomUUID());
      ids.add(id);
      calls.add(client.post(i % 2 == 0 ? a : b, "127.0.0.1", "/v1/watchlist").sendJsonObject(new JsonObject().put("ids", List.of(id))));
    }
    result(Future.join(calls));

    Set<String> added = new HashSet<>();
    for (int i = 0; i < calls.size(); i++) {
      HttpResponse<Buffer> r = calls.get(i).result();
      assertThat(r.statusCode()).as("edit %d: %s", i, r.bodyAsString()).isIn(200, 409);
      assertThat(r.getHeader("Content-Type")).startsWith("application/json");
      if (r.statusCode() == 200) {
        added.add(ids.get(i));
      } else {
        assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("conflict");
        assertThat(r.getHeader("Retry-After")).isNotNull();
      }
    }
    List<Object> stored = result(client.get(b, "127.0.0.1", "/v1/watchlist").send()).bodyAsJsonObject().getJsonArray("ids").getList();
    assertThat(stored).as("every acknowledged edit is kept").containsAll(added);
    assertThat(stored).hasSameSizeAs(added);
  }
}
