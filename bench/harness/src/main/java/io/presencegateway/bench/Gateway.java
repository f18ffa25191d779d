package io.presencegateway.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The gateway's own HTTP API, as far as the benches use it: metrics, readiness, subscriptions. */
final class Gateway {
  record Subscription(String id, String secret) { }

  private final Http http;
  private final String base;

  Gateway(Http http, String baseUrl) {
    this.http = http;
    this.base = baseUrl;
  }

  PromText metrics() {
    Http.Answer a = http.get(base + "/metrics");
    if (a.status() != 200) {
      throw new IllegalStateException("/metrics answered " + a.status());
    }
    return new PromText(a.body());
  }

  /** The poller's readiness details ({@code /health/ready} → checks[id=poller].data), or an empty object. */
  JsonObject poller() {
    Http.Answer a = http.get(base + "/health/ready");
    if (a.body().isEmpty() || a.body().charAt(0) != '{') {
      return new JsonObject();
    }
    JsonArray checks = a.json().getJsonArray("checks", new JsonArray());
    for (Object o : checks) {
      JsonObject c = (JsonObject) o;
      if ("poller".equals(c.getString("id"))) {
        return c.getJsonObject("data", new JsonObject());
      }
    }
    return new JsonObject();
  }

  /** Waits for the first successful poll cycle: the baseline, after which changes make events. */
  void awaitFirstCycle(long deadlineMs) {
    while (System.currentTimeMillis() < deadlineMs) {
      if (poller().getString("lastSuccess") != null) {
        return;
      }
      Pause.millis(100);
    }
    throw new IllegalStateException("the gateway completed no poll cycle before the deadline: " + poller());
  }

  /**
   * Waits until a poll cycle ended successfully after {@code afterMs} (gateway clock = this machine's):
   * the cycle that read the org at that moment has diffed and stored its result.
   */
  void awaitSuccessAfter(long afterMs, long deadlineMs) {
    while (System.currentTimeMillis() < deadlineMs) {
      String last = poller().getString("lastSuccess");
      if (last != null && java.time.Instant.parse(last).toEpochMilli() > afterMs) {
        return;
      }
      Pause.millis(20);
    }
    throw new IllegalStateException("no poll cycle succeeded after " + java.time.Instant.ofEpochMilli(afterMs)
        + " before the deadline: " + poller());
  }

  Subscription subscribe(String targetUrl, String description) {
    JsonObject s = http.expectJson("POST", base + "/v1/subscriptions",
        new JsonObject().put("targetUrl", targetUrl).put("description", description));
    return new Subscription(s.getString("id"), s.getString("secret"));
  }

  /** Queues every event since {@code sinceIso} again for the subscription; returns how many jobs. */
  int replaySince(String subscriptionId, String sinceIso) {
    return http.expectJson("POST", base + "/v1/subscriptions/" + subscriptionId + "/replay",
        new JsonObject().put("since", sinceIso)).getInteger("queued");
  }

  void unsubscribe(String subscriptionId) {
    http.send("DELETE", base + "/v1/subscriptions/" + subscriptionId, null);
  }
}
