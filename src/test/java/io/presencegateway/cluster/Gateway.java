package io.presencegateway.cluster;

import io.presencegateway.MainVerticle;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.RawSettings;
import io.presencegateway.config.Setting;
import io.presencegateway.event.Addresses;
import io.presencegateway.event.PresenceEvent;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.presencegateway.testsupport.Await.result;

/**
 * One gateway instance in its own Vert.x (its own event loops, bus and Redis pools), as a separate
 * process would have, and what its local bus delivered on {@code presence.changes}.
 */
final class Gateway implements AutoCloseable {
  static final int INTERVAL_MS = 200;
  static final int LEASE_TTL_MS = 1_500;

  private final Vertx vertx = Vertx.vertx();
  private final MainVerticle main;
  private final List<PresenceEvent> received = new ArrayList<>();
  private final WebClient http;

  private Gateway(GatewayConfig config) {
    main = new MainVerticle(config);
    http = WebClient.create(vertx);
  }

  static Gateway start(String redisUrl, String webexBaseUrl) {
    return start(settings(redisUrl, webexBaseUrl));
  }

  static Gateway start(Map<Setting, Object> settings) {
    RawSettings raw = RawSettings.defaults();
    for (Map.Entry<Setting, Object> e : settings.entrySet()) {
      raw = raw.with(e.getKey(), e.getValue());
    }
    Gateway g = new Gateway(GatewayConfig.from(raw));
    // listen before the gateway starts, so that nothing its relay publishes is missed
    g.vertx.eventBus().<PresenceEvent>localConsumer(Addresses.PRESENCE_CHANGES, m -> g.record(m.body()));
    result(g.vertx.deployVerticle(g.main));
    return g;
  }

  static Map<Setting, Object> settings(String redisUrl, String webexBaseUrl) {
    return new java.util.EnumMap<>(Map.of(
        Setting.SOURCE, "webex", Setting.WEBEX_BASE_URL, webexBaseUrl, Setting.WEBEX_TOKEN, "x",
        Setting.REDIS_URL, redisUrl, Setting.HTTP_HOST, "127.0.0.1", Setting.HTTP_PORT, "0",
        Setting.POLL_INTERVAL_MS, Integer.toString(INTERVAL_MS), Setting.POLL_LEASE_TTL_MS, Integer.toString(LEASE_TTL_MS),
        Setting.REDIS_TIMEOUT_MS, "1000"));
  }

  private synchronized void record(PresenceEvent event) {
    received.add(event);
  }

  synchronized List<PresenceEvent> received() {
    return new ArrayList<>(received);
  }

  boolean leader() {
    return main.services().pollStatus().leader();
  }

  MainVerticle main() {
    return main;
  }

  /** Status code of {@code GET /health/ready}, or -1 when the request itself failed. */
  int readiness() {
    try {
      return result(http.get(main.httpPort(), "127.0.0.1", "/health/ready").send()).statusCode();
    } catch (RuntimeException | AssertionError e) {
      return -1;
    }
  }

  /** {@code GET path} on this instance's HTTP port (fails the test if no answer comes). */
  io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer> get(String path) {
    return result(http.get(main.httpPort(), "127.0.0.1", path).send());
  }

  /** Graceful: verticles stop, the poller releases its lease. */
  @Override
  public void close() {
    result(vertx.close());
  }
}
