package io.presencegateway.loadtool;

import java.net.URI;
import java.util.List;

/** Everything one {@code run} is told on the command line (see {@link LoadTool#USAGE}). */
record RunConfig(String label, Target target, int sseClients, int wsClients, int eventLoops, int connectInFlight,
                 int rampTimeoutMs, int baselineMs, int warmupMs, int windowMs, int graceMs, List<Integer> pids,
                 int jvmPid, int clockTicks, URI publishUrl, double rate, int bodyBytes, int items, double changesPerSec,
                 String out) {

  static RunConfig from(Args a) {
    Flavour flavour = Flavour.of(a.string("flavour", "gateway"));
    Target target = new Target(a.string("host", "127.0.0.1"), a.integer("port", 8080),
        a.string("sse-path", flavour.defaultSsePath()), a.string("ws-path", flavour.defaultWsPath()), flavour,
        a.integer("connect-timeout-ms", 10_000));
    int jvmPid = a.integer("jvm-pid", 0);
    List<Integer> pids = a.integers("pid");
    if (pids.isEmpty() && jvmPid > 0) {
      pids = List.of(jvmPid);
    }
    String publish = a.string("publish-url", "");
    RunConfig c = new RunConfig(a.string("label", flavour.name().toLowerCase(java.util.Locale.ROOT)), target,
        a.integer("sse", 0), a.integer("ws", 0), a.integer("event-loops", Runtime.getRuntime().availableProcessors()),
        a.integer("connect-in-flight", 256), a.integer("ramp-timeout-ms", 120_000), a.integer("baseline-ms", 2_000),
        a.integer("warmup-ms", 3_000), a.integer("window-ms", 20_000), a.integer("grace-ms", 5_000), pids, jvmPid,
        a.integer("clock-ticks", 100), publish.isBlank() ? null : URI.create(publish), a.decimal("rate", 0),
        a.integer("body-bytes", 0), a.integer("items", 1), a.decimal("changes-per-sec", 0), a.string("out", ""));
    c.validate();
    return c;
  }

  private void validate() {
    check(sseClients >= 0 && wsClients >= 0 && sseClients + wsClients > 0 && sseClients + wsClients <= 50_000,
        "--sse + --ws must be between 1 and 50000");
    check(windowMs >= 1_000 && windowMs <= 300_000, "--window-ms must be between 1000 and 300000");
    check(warmupMs >= 0 && warmupMs <= 60_000, "--warmup-ms must be between 0 and 60000");
    check(graceMs >= 100 && graceMs <= 60_000, "--grace-ms must be between 100 and 60000");
    check(baselineMs >= 0 && baselineMs <= 60_000, "--baseline-ms must be between 0 and 60000");
    check(eventLoops >= 1 && eventLoops <= 64, "--event-loops must be between 1 and 64");
    check(connectInFlight >= 1 && connectInFlight <= 10_000, "--connect-in-flight must be between 1 and 10000");
    check(rampTimeoutMs >= 1_000 && rampTimeoutMs <= 600_000, "--ramp-timeout-ms must be between 1000 and 600000");
    check(target.flavour() != Flavour.NCHAN || publishUrl != null, "--flavour nchan needs --publish-url and --rate");
    check(publishUrl == null || target.flavour() == Flavour.NCHAN, "--publish-url is for --flavour nchan only");
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  int clients() {
    return sseClients + wsClients;
  }

  /**
   * Longest a run may take before the tool gives up: every phase at its bound, plus two heap probes,
   * and a minute for the snapshot wait, the /metrics reads and the log replay.
   */
  long deadlineMillis() {
    return (long) baselineMs + rampTimeoutMs + warmupMs + windowMs + graceMs + 2 * 60_000L + 60_000L;
  }
}
