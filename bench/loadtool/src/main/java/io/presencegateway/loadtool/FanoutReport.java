package io.presencegateway.loadtool;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes bench/results/fanout.json (every run, the ratios to Nchan, the targets) and fanout.md (the
 * "### Fan-out" section that bench/lib/report.py puts into docs/BENCHMARKS.md) from the run files
 * bench/fanout.sh collected: one {@code <scenario>-<server>.json} per run, in scenario order.
 */
final class FanoutReport {
  private static final List<String> COLUMNS = List.of("scenario", "server", "clients connected", "events/s",
      "items/event", "deliveries/s", "latency ms p50 / p90 / p99 / max", "missing / expected", "server CPU %",
      "CPU ms per 1,000 msgs (net of idle)", "heap KiB/conn", "RSS KiB/conn", "connect p99 ms", "load tool CPU %");

  private final List<RunFigures> runs;
  private final JsonObject machine;
  private final String command;
  private final String servers;
  private final FanoutTarget.Context context;

  private FanoutReport(List<RunFigures> runs, JsonObject machine, String command, String servers, FanoutTarget.Context context) {
    this.runs = runs;
    this.machine = machine;
    this.command = command;
    this.servers = servers;
    this.context = context;
  }

  static int main(Args args) throws IOException {
    Path dir = Path.of(args.required("runs-dir"));
    JsonObject machine = new JsonObject(args.required("machine"));
    String command = args.required("command");
    String servers = args.string("servers", "");
    FanoutTarget.Context context = new FanoutTarget.Context(args.integer("poll-interval-ms", 0), args.integer("fd-limit", 0),
        args.integer("idle-clients", 20_000));
    String out = args.required("out");
    args.rejectUnused();
    List<RunFigures> runs = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        runs.add(new RunFigures(new JsonObject(Files.readString(f))));
      }
    }
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("no run files (*.json) in " + dir);
    }
    FanoutReport report = new FanoutReport(runs, machine, command, servers, context);
    String markdown = report.markdown();
    Files.writeString(Path.of(out + ".json"), report.json().encodePrettily() + "\n");
    Files.writeString(Path.of(out + ".md"), markdown);
    System.out.print(markdown);
    return 0;
  }

  /** Runs by scenario, gateway first then Nchan, in the order the scenarios ran. */
  private Map<String, Map<String, RunFigures>> byScenario() {
    Map<String, Map<String, RunFigures>> out = new LinkedHashMap<>();
    for (RunFigures r : runs) {
      out.computeIfAbsent(r.scenario(), s -> new LinkedHashMap<>()).put(r.flavour(), r);
    }
    return out;
  }

  private JsonObject json() {
    JsonArray all = new JsonArray();
    runs.forEach(r -> all.add(r.run()));
    JsonArray ratios = new JsonArray();
    byScenario().forEach((scenario, pair) -> {
      RunFigures g = pair.get("gateway");
      RunFigures n = pair.get("nchan");
      if (g != null && n != null) {
        ratios.add(new JsonObject().put("scenario", scenario)
            .put("latencyP99", Report.ratioValue(g.latency("p99"), n.latency("p99")))
            .put("cpuPer1000Msgs", Report.ratioValue(g.cpuPer1000(), n.cpuPer1000()))
            .put("netCpuPer1000Msgs", Report.ratioValue(g.netCpuPer1000(), n.netCpuPer1000()))
            .put("rssPerConn", Report.ratioValue(g.rssKiBPerConn(), n.rssKiBPerConn())));
      }
    });
    return new JsonObject().put("bench", "fanout").put("machine", machine).put("command", command)
        .put("setup", new JsonObject().put("pollIntervalMs", context.pollIntervalMs()).put("fdLimit", context.fdLimit())
            .put("idleClients", context.idleClients()).put("servers", servers))
        .put("runs", all).put("ratios", ratios).put("targets", targets());
  }

  private JsonArray targets() {
    JsonArray out = new JsonArray();
    for (FanoutTarget t : FanoutTarget.values()) {
      Map<String, RunFigures> pair = byScenario().get(t.scenario());
      out.add(t.check(pair == null ? null : pair.get("gateway"), context));
    }
    return out;
  }

  private String markdown() {
    StringBuilder md = new StringBuilder("### Fan-out\n\n");
    md.append("Measured ").append(machine.getString("date", "?")).append(" on ").append(machine.getValue("cores", "?"))
        .append(" cores, ").append(machine.getValue("memGiB", "?")).append(" GiB, ").append(machine.getString("jdk", "?"))
        .append(servers.isBlank() ? "" : "; " + servers).append(".\n\n`").append(command).append("`\n\n");
    md.append(setup()).append("\n\n");
    md.append(Report.table(COLUMNS, runs.stream().map(this::row).toList())).append('\n');
    md.append("Gateway ÷ Nchan, same clients, same event rate and bodies, same run (above 1: the gateway needs more):\n\n");
    md.append(Report.table(List.of("scenario", "latency p99", "CPU per 1,000 msgs", "CPU per 1,000 msgs, net of idle",
        "RSS per connection"), ratioRows())).append('\n');
    md.append("Targets (PRODUCT.md §7):\n\n");
    for (Object o : targets()) {
      md.append(targetLine((JsonObject) o)).append('\n');
    }
    return md.append('\n').append(notes()).toString();
  }

  private String setup() {
    return "Half the clients SSE, half WebSocket, all in one non-blocking load tool process (bench/loadtool), on "
        + "loopback. Gateway: in-memory store, its built-in simulator (`SOURCE=simulator`, 25 people) changing one "
        + "person every 1000/N ms for N changes/s (`SIMULATOR_CHANGE_INTERVAL_MS`), polled every "
        + context.pollIntervalMs() + " ms (`POLL_INTERVAL_MS`, its minimum: most changes become an event of their own; "
        + "at the default 3 s a cycle's changes would go out as one larger event). Nchan: one channel, fed by the load "
        + "tool through its publisher endpoint with bodies of the gateway's shape, its median envelope size and items "
        + "per event, at the gateway's measured event rate. Server and load tool share the 2 cores unpinned (the "
        + "gateway's 2 event loops, nginx's 2 workers); deliveries stay under 40,000/s. Latency: envelope `timestamp` "
        + "(gateway: detection; Nchan: publishing) to arrival, for events of the measuring window. Loss: against the "
        + "gateway's own log replay (`Last-Event-ID`) or the messages Nchan accepted. CPU from /proc over the window; "
        + "net of idle = less the server's CPU rate with no client (the gateway keeps polling its in-process simulator). "
        + "Heap: live heap (`jcmd GC.class_histogram`, after a full GC) with and without the clients, divided by "
        + "them; RSS from /proc likewise (nginx: its workers).";
  }

  private List<String> row(RunFigures r) {
    return List.of(scenarioName(r), r.flavour(), Report.num(r.connected()) + " / " + Report.num(r.attempted()),
        Report.num(r.eventsPerSec()), Report.num(r.itemsPerEvent()), Report.num(r.deliveredPerSec()),
        String.join(" / ", Report.num(r.latency("p50")), Report.num(r.latency("p90")), Report.num(r.latency("p99")),
            Report.num(r.latency("max"))),
        loss(r), Report.num(r.serverCpuPct()),
        Report.num(r.cpuPer1000()) + " (" + Report.num(r.netCpuPer1000()) + ")", Report.num(r.heapKiBPerConn()),
        Report.num(r.rssKiBPerConn()), Report.num(r.connectP99()), Report.num(r.loadToolCpuPct()));
  }

  /** Missing of expected deliveries, and what would make that figure doubtful or explain it. */
  private static String loss(RunFigures r) {
    return Report.num(r.missing()) + " / " + Report.num(r.expected())
        + (r.disconnects() > 0 ? ", " + Report.num(r.disconnects()) + " disconnected" : "")
        + (r.notDrained() > 0 ? ", " + Report.num(r.notDrained()) + " clients still behind at the end (late or lost)" : "")
        + (r.referenceComplete() ? "" : " (expected list incomplete)");
  }

  private static String scenarioName(RunFigures r) {
    return r.scenario() + ": " + Report.num(r.attempted()) + " × " + Report.num(r.changesPerSec()) + "/s";
  }

  private List<List<String>> ratioRows() {
    List<List<String>> rows = new ArrayList<>();
    byScenario().forEach((scenario, pair) -> {
      RunFigures g = pair.get("gateway");
      RunFigures n = pair.get("nchan");
      if (g != null && n != null) {
        rows.add(List.of(scenarioName(g), Report.ratio(g.latency("p99"), n.latency("p99")),
            Report.ratio(g.cpuPer1000(), n.cpuPer1000()), Report.ratio(g.netCpuPer1000(), n.netCpuPer1000()),
            Report.ratio(g.rssKiBPerConn(), n.rssKiBPerConn())));
      }
    });
    return rows;
  }

  private static String targetLine(JsonObject t) {
    String head = "- " + t.getString("target") + " (scenario " + t.getString("scenario") + "): ";
    if (!t.getBoolean("judged")) {
      return head + "not judged, " + t.getString("why") + ".";
    }
    String line = head + (t.getBoolean("met") ? "**met**" : "**not met**") + ", " + t.getString("measured")
        + (t.containsKey("loss") ? ", " + t.getString("loss") : "") + ".";
    return t.containsKey("limitedBy") ? line + " Limited by: " + t.getString("limitedBy") + "." : line;
  }

  private String notes() {
    StringBuilder n = new StringBuilder("Notes:\n\n");
    n.append("- Windows: ");
    List<String> windows = new ArrayList<>();
    byScenario().forEach((s, pair) -> windows.add(s + " " + Report.num(pair.values().iterator().next().run()
        .getLong("windowMs") / 1000.0) + " s"));
    n.append(String.join(", ", windows)).append(", after a warm-up; every client must have received every event of "
        + "the window, in order (a missing one counts as lost).\n");
    List<String> cycles = runs.stream().filter(RunFigures::isGateway)
        .map(r -> r.scenario() + " " + (r.pollCycleMeanMs() == null ? "not read" : Report.num(r.pollCycleMeanMs()) + " ms"))
        .toList();
    n.append("- The latency is from detection: an upstream change first waits for the next poll cycle (up to one "
        + "`POLL_INTERVAL_MS`, 3 s by default) and then for that cycle to read and diff the org before it is detected. "
        + "Mean poll cycle in the windows: ").append(String.join(", ", cycles)).append(".\n");
    n.append("- With thousands of clients, each event reaches the load tool as thousands of messages at the same "
        + "moment, which it reads one socket after the other on its 2 event loops: both servers' latencies include "
        + "that queue (the load tool's CPU is in the table).\n");
    n.append("- Heap and RSS per connection are those of an idle connection (measured before events flow); the "
        + "gateway's RSS follows the JVM heap it commits and uncommits, so it moves in steps and can even fall.\n");
    n.append("- The machine is shared and noisy: compare the ratios, measured in the same run, rather than the "
        + "absolute figures.\n");
    return n.toString();
  }
}
