package io.presencegateway.loadtool;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/** Percentiles of a histogram as JSON: microsecond histograms in milliseconds, others as they are. */
final class Stats {
  private Stats() {
  }

  static JsonObject millis(Histogram h) {
    JsonObject j = new JsonObject().put("count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return j;
    }
    return j.put("p50", ms(h.getValueAtPercentile(50))).put("p90", ms(h.getValueAtPercentile(90)))
        .put("p99", ms(h.getValueAtPercentile(99))).put("p999", ms(h.getValueAtPercentile(99.9)))
        .put("max", ms(h.getMaxValue())).put("mean", Run.round(h.getMean() / 1000.0, 2));
  }

  static JsonObject plain(Histogram h) {
    JsonObject j = new JsonObject().put("count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return j;
    }
    return j.put("p50", h.getValueAtPercentile(50)).put("min", h.getMinValue()).put("max", h.getMaxValue())
        .put("mean", Run.round(h.getMean(), 1));
  }

  private static double ms(long micros) {
    return Run.round(micros / 1000.0, 2);
  }
}
