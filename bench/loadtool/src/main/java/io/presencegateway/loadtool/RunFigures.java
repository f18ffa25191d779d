package io.presencegateway.loadtool;

import io.vertx.core.json.JsonObject;

/**
 * The figures the fan-out report shows, read from one run's result object (see {@link Run}). Values
 * a run could not measure are null, and the report prints them as "-".
 */
record RunFigures(JsonObject run) {
  String scenario() {
    return run.getString("label");
  }

  String flavour() {
    return run.getString("flavour");
  }

  boolean isGateway() {
    return "gateway".equals(flavour());
  }

  long attempted() {
    JsonObject c = run.getJsonObject("clients");
    return c.getLong("sse") + c.getLong("ws");
  }

  long connected() {
    return run.getJsonObject("clients").getLong("connected");
  }

  double changesPerSec() {
    return run.getDouble("changesPerSec", 0.0);
  }

  double eventsPerSec() {
    return run.getDouble("eventsPerSec");
  }

  /** Mean items (changed people) per event. */
  Double itemsPerEvent() {
    JsonObject ref = run.getJsonObject("reference");
    long events = ref.getLong("events", 0L);
    return events == 0 ? null : Run.round(ref.getLong("items", 0L) / (double) events, 2);
  }

  double deliveredPerSec() {
    return run.getDouble("deliveredPerSec");
  }

  Double latency(String percentile) {
    return run.getJsonObject("latencyMs").getDouble(percentile);
  }

  long missing() {
    return run.getJsonObject("loss").getLong("missing");
  }

  long expected() {
    return run.getJsonObject("loss").getLong("expectedTotal");
  }

  /** False when the list of expected events may be short (the gateway's replay failed or timed out). */
  boolean referenceComplete() {
    return run.getJsonObject("reference").getBoolean("complete", false);
  }

  /** Clients whose window was still incomplete when the grace time ran out: their missing events may be late, not lost. */
  long notDrained() {
    return run.getJsonObject("loss").getLong("notDrained", 0L);
  }

  long disconnects() {
    return run.getJsonObject("loss").getLong("disconnects");
  }

  Double serverCpuPct() {
    return server().getDouble("cpuPct");
  }

  Double cpuPer1000() {
    return server().getDouble("cpuMsPer1000Msgs");
  }

  /**
   * CPU per 1,000 messages less what the server burns with no client at all (the gateway polls its
   * built-in simulator every interval; Nchan idles at zero), so that fan-out is compared with fan-out.
   */
  Double netCpuPer1000() {
    Double cpuMs = server().getDouble("cpuMsInWindow");
    long delivered = run.getJsonObject("loss").getLong("delivered");
    if (cpuMs == null || delivered == 0) {
      return null;
    }
    double idleMs = run.getDouble("idleCpuPct", 0.0) / 100 * run.getLong("windowMs");
    return Run.round(Math.max(0, cpuMs - idleMs) / (delivered / 1000.0), 3);
  }

  Double heapKiBPerConn() {
    return server().getDouble("heapKiBPerConn");
  }

  Double rssKiBPerConn() {
    return server().getDouble("rssKiBPerConn");
  }

  /** Server CPU per connection while the clients connected (event fan-out to those already connected included). */
  Double rampCpuMsPerConn() {
    return run.getDouble("rampCpuMsPerConn");
  }

  Double connectP99() {
    return run.getJsonObject("clients").getJsonObject("connectMs").getDouble("p99");
  }

  Double loadToolCpuPct() {
    return run.getDouble("loadToolCpuPct");
  }

  /** Mean duration of the gateway's poll cycles in the window, or null (Nchan, or not read). */
  Double pollCycleMeanMs() {
    JsonObject p = run.getJsonObject("pollCycles");
    return p == null ? null : p.getDouble("meanMs");
  }

  private JsonObject server() {
    return run.getJsonObject("server");
  }
}
