package io.presencegateway.loadtool;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The gateway's successful poll cycles over the window, from its Prometheus summary
 * {@code presence_poll_cycle_seconds}. The load tool measures latency from detection; an upstream
 * change waits up to one poll interval for the next cycle and then the cycle itself before it is
 * detected, so the report needs the cycle time to state the upstream-to-client figure.
 */
final class PollCycles {
  /** Count and sum of the summary, and its (decaying) max gauge, at one moment. */
  record Reading(long count, double sumSeconds, double maxSeconds) {
  }

  private static final String SERIES = "presence_poll_cycle_seconds";
  private static final Pattern SAMPLE =
      Pattern.compile("^" + SERIES + "(_count|_sum|_max)\\{outcome=\"success\"} (\\S+)$", Pattern.MULTILINE);
  private static final int TIMEOUT_MS = 5_000;

  private PollCycles() {
  }

  /** Reads the summary from the gateway's {@code /metrics}; a failure is a null reading, never a failed run. */
  static Future<Reading> read(Vertx vertx, Target target) {
    HttpClientAgent http = vertx.createHttpClient();
    RequestOptions get = new RequestOptions().setMethod(HttpMethod.GET).setHost(target.host()).setPort(target.port())
        .setURI("/metrics").setTimeout(TIMEOUT_MS);
    return http.request(get).compose(req -> req.send()).compose(resp -> resp.body())
        .map(body -> parse(body.toString()))
        .otherwise((Reading) null)
        .andThen(ar -> http.close());
  }

  static Reading parse(String text) {
    long count = 0;
    double sum = 0;
    double max = 0;
    Matcher m = SAMPLE.matcher(text);
    while (m.find()) {
      double v = Double.parseDouble(m.group(2));
      switch (m.group(1)) {
        case "_count" -> count = (long) v;
        case "_sum" -> sum = v;
        default -> max = v;
      }
    }
    return new Reading(count, sum, max);
  }

  /** Cycles between two readings and their mean; the max is the gauge's recent maximum at the end. */
  static JsonObject between(Reading start, Reading end) {
    JsonObject j = new JsonObject();
    if (start == null || end == null) {
      return j.put("problem", "the gateway's /metrics could not be read");
    }
    long cycles = end.count() - start.count();
    j.put("cycles", cycles).put("recentMaxMs", Run.round(end.maxSeconds() * 1000, 1));
    if (cycles > 0) {
      j.put("meanMs", Run.round((end.sumSeconds() - start.sumSeconds()) * 1000 / cycles, 2));
    }
    return j;
  }
}
