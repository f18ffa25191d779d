package io.presencegateway.cluster;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.RawSettings;
import io.presencegateway.config.Setting;
import io.presencegateway.event.PersonIds;
import io.presencegateway.poll.OauthTokens;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.poll.UpstreamGate;
import io.presencegateway.simulator.SimulatorControl;
import io.presencegateway.store.StoredToken;
import io.presencegateway.store.redis.RedisUpstreamStore;
import io.presencegateway.testsupport.Await;
import io.presencegateway.testsupport.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Production access with several instances on one Redis: one OAuth refresh for the cluster, and a
 * watch list edited through any instance's API, used by whichever instance polls.
 */
class WebexAccessClusterTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private ClusterFixture cluster;
  private Vertx tools;
  private WebClient http;

  @BeforeEach
  void setUp() {
    cluster = new ClusterFixture();
    tools = Vertx.vertx();
    http = WebClient.create(tools);
  }

  @AfterEach
  void tearDown() {
    cluster.close();
    result(tools.close());
  }

  private Map<Setting, Object> oauthSettings(SimulatorControl sim) {
    Map<Setting, Object> extra = new EnumMap<>(Setting.class);
    extra.put(Setting.WEBEX_BASE_URL, sim.baseUrl().toString());
    extra.put(Setting.WEBEX_TOKEN, "");
    extra.put(Setting.WEBEX_CLIENT_ID, "client-1");
    extra.put(Setting.WEBEX_CLIENT_SECRET, "secret-1");
    extra.put(Setting.WEBEX_REFRESH_TOKEN, "rt-initial");
    return extra;
  }

  private static boolean pollingSince(Gateway g, Instant since) {
    PollStatus s = g.main().services().pollStatus();
    return s.leader() && s.lastSuccess() != null && s.lastSuccess().isAfter(since);
  }

  private static Gateway awaitLeader(List<Gateway> gateways, Instant since) {
    Await.until("an instance polling", WAIT, () -> gateways.stream().anyMatch(g -> pollingSince(g, since)));
    return gateways.stream().filter(g -> pollingSince(g, since)).findFirst().orElseThrow();
  }

  @Test
  void twoInstancesRefreshOnceInTotalAndATakeoverUsesTheStoredToken() {
    SimulatorControl sim = result(SimulatorControl.start(tools, 5, 7));
    result(sim.oauth("client-1", "secret-1", "rt-initial", 3600));
    Gateway a = cluster.gateway(oauthSettings(sim));
    Gateway b = cluster.gateway(oauthSettings(sim));
    Instant start = Instant.now();
    Gateway leader = awaitLeader(List.of(a, b), start);
    assertThat(result(sim.oauthState()).getInteger("refreshes")).as("one refresh for two instances").isEqualTo(1);

    result(sim.expireTokens());
    Instant expired = Instant.now();
    Await.until("a cycle after the expiry", WAIT, () -> pollingSince(leader, expired.plusMillis(50)));
    assertThat(result(sim.oauthState()).getInteger("refreshes")).as("one refresh after the 401").isEqualTo(2);

    Gateway standby = leader == a ? b : a;
    leader.close();
    Instant takeover = Instant.now();
    Await.until("the standby polling", WAIT, () -> pollingSince(standby, takeover));
    JsonObject oauth = result(sim.oauthState());
    assertThat(oauth.getInteger("refreshes")).as("the new poller uses the token in Redis").isEqualTo(2);
    StoredToken stored = result(standby.main().services().upstream().token()).orElseThrow();
    assertThat(oauth.getJsonArray("refreshTokens").getList()).containsExactly(stored.refreshToken());
  }

  @Test
  void concurrentRefreshesFromTwoProcessesMakeOneCall() {
    SimulatorControl sim = result(SimulatorControl.start(tools, 1, 7));
    result(sim.oauth("client-1", "secret-1", "rt-initial", 3600));
    GatewayConfig config = GatewayConfig.from(RawSettings.defaults().with(Setting.REDIS_URL, cluster.redis.url()));
    GatewayConfig.Webex webex = sim.webex(GatewayConfig.Watch.wholeOrg(), 100, 2000);
    GatewayConfig.Oauth oauth = new GatewayConfig.Oauth("client-1", "secret-1", "rt-initial");
    Vertx one = Vertx.vertx();
    Vertx two = Vertx.vertx();
    try {
      OauthTokens first = new OauthTokens(one, WebClient.create(one), new UpstreamGate(4),
          new RedisUpstreamStore(one, config.store()), webex, oauth);
      OauthTokens second = new OauthTokens(two, WebClient.create(two), new UpstreamGate(4),
          new RedisUpstreamStore(two, config.store()), webex, oauth);
      Future<String> a = onContext(one, first::token);
      Future<String> b = onContext(two, second::token);
      assertThat(result(a)).isEqualTo(result(b));
      assertThat(result(sim.oauthState()).getInteger("refreshes")).isEqualTo(1);
    } finally {
      result(one.close());
      result(two.close());
    }
  }

  /**
   * Redis restarted without persistence (or FLUSHALL): the rotated pair in {@code {pg}:token} is gone
   * and the configured refresh token was spent by the first refresh. The instance that knows the
   * rotated pair writes it back and refreshes from it; polling never falls back to the spent token.
   */
  @Test
  void afterTheSharedTokenIsLostTheInstanceWritesItsRotatedPairBackAndRefreshesFromIt() {
    SimulatorControl sim = result(SimulatorControl.start(tools, 1, 7));
    result(sim.oauth("client-1", "secret-1", "rt-initial", 3600));
    Vertx one = Vertx.vertx();
    try {
      OauthTokens tokens = tokens(one, sim, Duration.ofSeconds(60));
      String first = result(onContext(one, tokens::token));
      cluster.redis.clean(); // what a Redis restart without persistence leaves

      String second = result(onContext(one, () -> tokens.afterRejection(first)));
      JsonObject oauth = result(sim.oauthState());
      assertThat(second).isNotEqualTo(first);
      assertThat(oauth.getInteger("refreshes")).as("a second refresh, from the rotated refresh token").isEqualTo(2);
      StoredToken stored = StoredToken.fromJson(new JsonObject(cluster.redis.valueOf("{pg}:token")));
      assertThat(stored.accessToken()).isEqualTo(second);
      assertThat(stored.generation()).isEqualTo(2);
      assertThat(oauth.getJsonArray("refreshTokens").getList()).containsExactly(stored.refreshToken());
    } finally {
      result(one.close());
    }
  }

  /**
   * After the loss, another instance (which never saw a pair) needs a token before the one that
   * knows the pair has refreshed: the knowing instance's guard writes the pair back, and the other
   * uses it instead of stopping on the spent configured token.
   */
  @Test
  void anInstanceThatKnowsNothingPicksUpThePairAnotherInstanceWritesBack() {
    SimulatorControl sim = result(SimulatorControl.start(tools, 1, 7));
    result(sim.oauth("client-1", "secret-1", "rt-initial", 3600));
    Vertx one = Vertx.vertx();
    Vertx two = Vertx.vertx();
    try {
      OauthTokens knowing = tokens(one, sim, Duration.ofMillis(300));
      String first = result(onContext(one, knowing::token));
      cluster.redis.clean();

      OauthTokens newcomer = tokens(two, sim, Duration.ofMillis(300));
      assertThat(result(onContext(two, newcomer::token))).as("the pair written back, still valid").isEqualTo(first);
      assertThat(result(sim.oauthState()).getInteger("refreshes")).as("no second refresh was needed").isEqualTo(1);
      assertThat(cluster.redis.valueOf("{pg}:token")).isNotNull();
    } finally {
      result(one.close());
      result(two.close());
    }
  }

  /** The write-back is a compare-and-set: never over a newer pair, nor over another configured token's. */
  @Test
  void writingBackNeverReplacesANewerPairOrAnotherSeeds() {
    GatewayConfig config = GatewayConfig.from(RawSettings.defaults().with(Setting.REDIS_URL, cluster.redis.url()));
    Vertx one = Vertx.vertx();
    try {
      RedisUpstreamStore store = new RedisUpstreamStore(one, config.store());
      StoredToken older = new StoredToken("at-2", 1, 2, "rt-2", "seed-a", 2);
      StoredToken newer = new StoredToken("at-3", 1, 2, "rt-3", "seed-a", 3);
      StoredToken otherSeed = new StoredToken("at-9", 1, 2, "rt-9", "seed-b", 9);
      assertThat(result(store.restoreToken(older))).as("missing entry: written").isTrue();
      assertThat(result(store.restoreToken(newer))).as("older entry of the same seed: replaced").isTrue();
      assertThat(result(store.restoreToken(older))).as("never over a newer pair").isFalse();
      assertThat(result(store.restoreToken(otherSeed))).as("never over another seed's").isFalse();
      assertThat(result(store.token()).orElseThrow()).isEqualTo(newer);
      result(store.close());
    } finally {
      result(one.close());
    }
  }

  private static OauthTokens tokens(Vertx vertx, SimulatorControl sim, Duration guard) {
    return new OauthTokens(vertx, WebClient.create(vertx), new UpstreamGate(4),
        new RedisUpstreamStore(vertx, GatewayConfig.from(RawSettings.defaults().with(Setting.REDIS_URL, TestRedis.get().url())).store()),
        sim.webex(GatewayConfig.Watch.wholeOrg(), 100, 2000), new GatewayConfig.Oauth("client-1", "secret-1", "rt-initial"), guard);
  }

  @Test
  void aWatchListEditOnOneInstanceIsUsedByWhicheverInstancePolls() {
    Gateway a = cluster.gateway();
    Gateway b = cluster.gateway();
    cluster.awaitBaseline(a);
    List<String> ids = cluster.webex.ids();
    String p0 = ids.get(0);
    String uuid = PersonIds.key(p0);
    String padded = Base64.getEncoder().encodeToString(("ciscospark://us/PEOPLE/" + uuid).getBytes(StandardCharsets.US_ASCII));
    Gateway follower = a.leader() ? b : a;

    HttpResponse<Buffer> put = call(follower, HttpMethod.PUT, "/v1/watchlist",
        new JsonObject().put("ids", List.of(p0, padded, uuid, ids.get(1))));
    assertThat(put.statusCode()).isEqualTo(200);
    assertThat(call(a, HttpMethod.GET, "/v1/watchlist", null).bodyAsJsonObject().getJsonArray("ids").getList())
        .as("three encodings, one entry").containsExactly(p0, ids.get(1));
    Set<String> watched = Set.of(uuid, PersonIds.key(ids.get(1)));
    Await.until("only the watched people stored", WAIT, () -> result(a.main().services().store().states()).keySet().equals(watched));
    for (Gateway g : List.of(a, b)) {
      assertThat(call(g, HttpMethod.GET, "/v1/presence", null).bodyAsJsonObject().getJsonArray("items")).hasSize(2);
      assertThat(call(g, HttpMethod.GET, "/v1/people", null).bodyAsJsonObject().getJsonArray("items")).hasSize(2);
    }

    Gateway leader = a.leader() ? a : b;
    Gateway other = leader == a ? b : a;
    leader.close();
    cluster.webex.setStatus(ids.get(3), "meeting"); // not watched: no event
    cluster.change(new ClusterFixture.Step(ids.get(1), "call"), List.of(other), WAIT);
    assertThat(ClusterFixture.steps(other.received())).as("only the watched person's change after the takeover")
        .containsExactly(new ClusterFixture.Step(ids.get(1), "call"));
    assertThat(result(other.main().services().store().states()).keySet()).isEqualTo(watched);
  }

  private HttpResponse<Buffer> call(Gateway g, HttpMethod method, String path, JsonObject body) {
    var request = http.request(method, g.main().httpPort(), "127.0.0.1", path);
    return result(body == null ? request.send() : request.sendJsonObject(body));
  }

  private static <T> Future<T> onContext(Vertx vertx, Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    vertx.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
