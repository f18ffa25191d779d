package io.presencegateway.loadtool;

import io.vertx.core.json.JsonObject;

/** The one readable line per run, built from the result JSON so that it never disagrees with it. */
final class Summary {
  private Summary() {
  }

  static String line(JsonObject r) {
    JsonObject c = r.getJsonObject("clients");
    JsonObject lat = r.getJsonObject("latencyMs");
    JsonObject loss = r.getJsonObject("loss");
    JsonObject s = r.getJsonObject("server");
    return String.format(java.util.Locale.ROOT,
        "%s: %d/%d clients (%d sse, %d ws), %.2f events/s, %.0f deliveries/s | latency ms p50 %s p90 %s p99 %s max %s"
            + " | delivered %d of %d, missing %d, gaps %d, disconnects %d | server cpu %s%% = %s ms/1000 msgs,"
            + " heap %s KiB/conn, rss %s KiB/conn | load tool cpu %s%%",
        r.getString("label"), c.getLong("connected"), c.getInteger("sse") + c.getInteger("ws"), c.getInteger("sse"),
        c.getInteger("ws"), r.getDouble("eventsPerSec"), r.getDouble("deliveredPerSec"), lat.getValue("p50"),
        lat.getValue("p90"), lat.getValue("p99"), lat.getValue("max"), loss.getLong("delivered"),
        loss.getLong("expectedTotal"), loss.getLong("missing"), loss.getLong("gaps"), loss.getLong("disconnects"),
        s.getValue("cpuPct"), s.getValue("cpuMsPer1000Msgs"), s.getValue("heapKiBPerConn"), s.getValue("rssKiBPerConn"),
        r.getValue("loadToolCpuPct"));
  }
}
