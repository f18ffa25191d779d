package io.presencegateway.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the poll-run lines into bench/results/poll.json and poll.md: per store and org size, the
 * cost per cycle, and how it grows: cycle time and CPU per person as a ratio to the smallest org
 * of the same store (1.0 = linear growth; below 1 = fixed costs amortised).
 *
 * <p>Options: --runs FILE --machine JSON --command TEXT --interval-ms 3000 --out BASE (no extension).
 */
final class PollReport {
  private PollReport() {
  }

  static void main(Args a) throws IOException {
    List<JsonObject> runs = ResultFiles.lines(Path.of(a.get("runs")));
    int intervalMs = a.integer("interval-ms", 3000);
    for (JsonObject r : runs) {
      JsonObject base = smallest(runs, r.getString("store"));
      double perPerson = (double) base.getInteger("people") / r.getInteger("people");
      r.put("cyclePerPersonVsSmallest", PollRun.round(r.getDouble("cycleMeanMs") / base.getDouble("cycleMeanMs") * perPerson, 2));
      r.put("cpuPerPersonVsSmallest", PollRun.round(r.getDouble("gatewayCpuMsPerCycle") / base.getDouble("gatewayCpuMsPerCycle") * perPerson, 2));
      r.put("changesOk", Math.abs(r.getDouble("changesPerCycle") - r.getInteger("expectedChangesPerCycle"))
          <= 0.05 * r.getInteger("expectedChangesPerCycle") && r.getLong("failedCycles") == 0);
    }
    JsonObject json = new JsonObject().put("bench", "poll-capacity").put("machine", new JsonObject(a.get("machine")))
        .put("command", a.get("command")).put("pollIntervalMs", intervalMs).put("target", target(runs, intervalMs))
        .put("runs", new JsonArray(runs));
    ResultFiles.write(a.get("out"), json, markdown(json, runs));
  }

  private static JsonObject smallest(List<JsonObject> runs, String store) {
    return runs.stream().filter(r -> r.getString("store").equals(store))
        .min((x, y) -> Integer.compare(x.getInteger("people"), y.getInteger("people"))).orElseThrow();
  }

  /** PRODUCT.md §7: a 100,000-person cycle well under the interval; read here as: slowest cycle under half of it. */
  private static JsonObject target(List<JsonObject> runs, int intervalMs) {
    JsonObject t = new JsonObject().put("rule", "100,000-person cycle (slowest of the window) under half the poll interval");
    for (JsonObject r : runs) {
      if (r.getInteger("people") == 100_000) {
        t.put(r.getString("store"), r.getLong("cycleMaxEstMs") < intervalMs / 2.0);
      }
    }
    return t;
  }

  private static String markdown(JsonObject json, List<JsonObject> runs) {
    JsonObject m = json.getJsonObject("machine");
    StringBuilder out = new StringBuilder();
    out.append("### Poll capacity\n\n")
        .append("Measured ").append(m.getString("date")).append(" on ").append(m.getValue("cores")).append(" cores, ")
        .append(m.getValue("memGiB")).append(" GiB, ").append(m.getString("jdk")).append(".\n\n")
        .append("`").append(json.getString("command")).append("`\n\n")
        .append("Paged org list (1,000 per page), ").append(json.getInteger("pollIntervalMs"))
        .append(" ms interval, 1 % of the people changed between cycles (different people every cycle). ")
        .append("Cycle mean: the gateway's own `presence_poll_cycle` timer; cycle max: the widest spacing of two ")
        .append("listings less the interval (an upper bound). CPU: the whole gateway process over one poll period, ")
        .append("from /proc (its idle work, timers, log relay and webhook queue checks, included). The simulator runs in its own process. \"per person vs smallest\": ")
        .append("cost per person relative to the smallest org of the same store (1.0 = linear growth).\n\n");
    List<List<String>> rows = new ArrayList<>();
    for (JsonObject r : runs) {
      rows.add(List.of(r.getString("store"), String.format("%,d", r.getInteger("people")),
          Markdown.num(r.getDouble("cycleMeanMs")), Markdown.num(r.getLong("cycleMaxEstMs")),
          Markdown.num(r.getDouble("gatewayCpuMsPerCycle")),
          Markdown.num(r.getDouble("cyclePerPersonVsSmallest")), Markdown.num(r.getDouble("cpuPerPersonVsSmallest")),
          Markdown.num(r.getDouble("upstreamCallsPerCycle")),
          r.containsKey("redisRoundTripsPerCycle") ? Markdown.num(r.getDouble("redisRoundTripsPerCycle")) : "-",
          Markdown.num(r.getDouble("changesPerCycle")) + " / " + r.getInteger("expectedChangesPerCycle"),
          Markdown.num(r.getDouble("simulatorCpuMsPerCycle")), r.getLong("cycles") + (r.getLong("failedCycles") > 0
              ? " (+" + r.getLong("failedCycles") + " failed)" : "")));
    }
    out.append(Markdown.table(List.of("store", "people", "cycle mean ms", "cycle max ms", "gateway CPU ms/cycle",
        "cycle per person vs smallest", "CPU per person vs smallest", "upstream calls/cycle",
        "Redis round trips/cycle",
        "changes/cycle (expected)", "simulator CPU ms/cycle", "cycles"), rows));
    out.append("\nTarget (PRODUCT.md §7, ").append(json.getJsonObject("target").getString("rule")).append("): ");
    JsonObject t = json.getJsonObject("target");
    List<String> verdicts = new ArrayList<>();
    t.fieldNames().stream().filter(f -> !f.equals("rule")).sorted()
        .forEach(f -> verdicts.add(f + " " + (t.getBoolean(f) ? "met" : "NOT met")));
    out.append(verdicts.isEmpty() ? "no 100,000-person run" : String.join(", ", verdicts)).append(".\n");
    for (JsonObject r : runs) {
      if (r.containsKey("redisRoundTripsByCommand")) {
        out.append("\nRedis round trips per cycle, ").append(String.format("%,d", r.getInteger("people")))
            .append(" people: ").append(r.getJsonObject("redisRoundTripsByCommand").encode())
            .append(" (plus ").append(Markdown.num(r.getDouble("redisInScriptCallsPerCycle")))
            .append(" calls inside Lua scripts).\n");
      }
    }
    return out.toString();
  }
}
