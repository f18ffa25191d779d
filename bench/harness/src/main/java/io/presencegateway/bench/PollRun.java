package io.presencegateway.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Poll capacity of one (store, org size): after each poll cycle has read the org, changes a fresh
 * {@code --share} of the people through the simulator's control API, so every cycle of the
 * measured window detects exactly that many changes; then reports, per cycle, the gateway's cycle
 * time, its process CPU, upstream calls, Redis round trips and the changes it detected. Appends
 * one JSON object (one line) to {@code --out}.
 *
 * <p>Options: --gateway URL --simulator URL --gateway-pid N --simulator-pid N --store memory|redis
 * --people N [--redis host:port --gateway-jar FILE] [--cycles 5] [--share 0.01] [--interval-ms 3000]
 * [--clk-tck 100] --out FILE.
 */
final class PollRun {
  /** An edge of the CPU and Redis window: read from /proc and the monitor, never from the gateway. */
  private record Window(long atMs, double gatewayCpuMs, double simulatorCpuMs, RedisMonitor.Counts redis) { }

  private final Gateway gateway;
  private final Simulator simulator;
  private final Proc gatewayProc;
  private final Proc simulatorProc;
  private final RedisMonitor redis;
  private final int people;
  private final int intervalMs;
  private final long deadlineMs;

  private PollRun(Args a, RedisMonitor redis) {
    Http http = new Http();
    this.gateway = new Gateway(http, a.get("gateway"));
    this.simulator = new Simulator(http, a.get("simulator"));
    int tck = a.integer("clk-tck", 100);
    this.gatewayProc = new Proc(Long.parseLong(a.get("gateway-pid")), tck);
    this.simulatorProc = new Proc(Long.parseLong(a.get("simulator-pid")), tck);
    this.redis = redis;
    this.people = a.integer("people", 1000);
    this.intervalMs = a.integer("interval-ms", 3000);
    this.deadlineMs = System.currentTimeMillis() + a.integer("deadline-s", 180) * 1000L;
  }

  static void main(Args a) throws IOException {
    RedisMonitor monitor = null;
    if (a.has("redis")) {
      String[] hp = a.get("redis").split(":");
      monitor = new RedisMonitor(hp[0], Integer.parseInt(hp[1]), LuaScripts.byShaIn(Path.of(a.get("gateway-jar"))));
    }
    try {
      JsonObject result = new PollRun(a, monitor).run(a.get("store"), a.integer("cycles", 5), a.number("share", 0.01));
      System.out.println(result.encodePrettily());
      Files.writeString(Path.of(a.get("out")), result.encode() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } finally {
      if (monitor != null) {
        monitor.close();
      }
    }
  }

  /**
   * After the baseline cycle, one warm-up cycle, then {@code cycles + 1} driven cycles. The gateway
   * is asked nothing between the first and the last of the measured listings (CPU and Redis window,
   * exactly {@code cycles} poll periods from listing to listing): its metrics and readiness are read
   * only in the idle gaps before and after, and cover the {@code cycles + 1} cycles in between.
   */
  private JsonObject run(String store, int cycles, double share) {
    gateway.awaitFirstCycle(deadlineMs);
    List<Simulator.Person> pool = new ArrayList<>(simulator.peopleWithStatus());
    Collections.shuffle(pool, new Random(7));
    int batch = Math.max(1, (int) Math.round(people * share));
    if (pool.size() < batch * (cycles + 2)) {
      throw new IllegalStateException("the org has too few people with a status for " + (cycles + 2) + " batches of " + batch);
    }
    // the first cycle (the silent baseline) has ended: the gateway idles for one interval now.
    // One driven cycle outside the window: JIT, connection pools and the first events warm up.
    simulator.clearRequests();
    simulator.setStatuses(changes(pool, 0, batch));
    awaitCycleEnd(simulator.awaitListingServed(people, deadlineMs));
    PromText before = gateway.metrics();

    Window start = null;
    Window end = null;
    long slowestBurstMs = 0;
    long slowestSpacingMs = 0;
    long previousListing = 0;
    for (int c = 1; c <= cycles + 1; c++) {
      long t0 = System.currentTimeMillis();
      simulator.setStatuses(changes(pool, c, batch));
      slowestBurstMs = Math.max(slowestBurstMs, System.currentTimeMillis() - t0);
      long listing = simulator.awaitListingServed(people, deadlineMs);
      if (c == 1) {
        start = window();
      } else {
        slowestSpacingMs = Math.max(slowestSpacingMs, listing - previousListing);
      }
      if (c == cycles + 1) {
        end = window();
      }
      previousListing = listing;
    }
    awaitCycleEnd(previousListing);
    PromText after = gateway.metrics();
    JsonObject out = result(store, cycles, batch, before, after, start, end);
    // the spacing of two listings is one interval plus the end of one cycle and the start of the
    // next: its worst case less the interval bounds the slowest cycle from above (within the window)
    return out.put("cycleMaxEstMs", slowestSpacingMs - intervalMs)
        .put("slowestChangeBurstMs", slowestBurstMs)
        .put("gatewayRssMiB", Math.round(gatewayProc.rssKiB() / 1024.0));
  }

  private void awaitCycleEnd(long lastPageAtMs) {
    gateway.awaitSuccessAfter(lastPageAtMs, deadlineMs);
  }

  /** Batch {@code n} of the shuffled pool: people never changed before in this run, each to another status. */
  private static Map<String, String> changes(List<Simulator.Person> pool, int n, int batch) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Simulator.Person p : pool.subList(n * batch, (n + 1) * batch)) {
      out.put(p.id(), Simulator.nextStatus(p.status()));
    }
    return out;
  }

  private Window window() {
    return new Window(System.currentTimeMillis(), gatewayProc.cpuMs(), simulatorProc.cpuMs(), redis == null ? null : redis.counts());
  }

  private JsonObject result(String store, int periods, int batch, PromText m0, PromText m1, Window w0, Window w1) {
    double ok = delta(m0, m1, "presence_poll_cycle_seconds_count", "outcome=\"success\"");
    double failed = delta(m0, m1, "presence_poll_cycle_seconds_count", "outcome=\"failure\"");
    double seconds = delta(m0, m1, "presence_poll_cycle_seconds_sum", "outcome=\"success\"");
    double calls = delta(m0, m1, "presence_upstream_calls_per_cycle_sum", "");
    double callCycles = delta(m0, m1, "presence_upstream_calls_per_cycle_count", "");
    double changes = delta(m0, m1, "presence_changes_detected_total", "");
    double cycles = Math.max(1, ok + failed);
    double windowS = (w1.atMs() - w0.atMs()) / 1000.0;
    double cpuPerCycle = (w1.gatewayCpuMs() - w0.gatewayCpuMs()) / periods;
    JsonObject out = new JsonObject()
        .put("store", store).put("people", people).put("cycles", (long) ok).put("failedCycles", (long) failed)
        .put("cycleMeanMs", round(ok == 0 ? 0 : seconds / ok * 1000, 1))
        .put("upstreamCallsPerCycle", round(callCycles == 0 ? 0 : calls / callCycles, 2))
        .put("changesPerCycle", round(changes / cycles, 2)).put("expectedChangesPerCycle", batch)
        .put("windowPeriods", periods).put("windowS", round(windowS, 2))
        .put("gatewayCpuMsPerCycle", round(cpuPerCycle, 1))
        .put("simulatorCpuMsPerCycle", round((w1.simulatorCpuMs() - w0.simulatorCpuMs()) / periods, 1));
    if (w0.redis() != null) {
      RedisMonitor.Counts d = w1.redis().minus(w0.redis());
      JsonObject byCommand = new JsonObject();
      d.roundTrips().forEach((cmd, count) -> byCommand.put(cmd, round(count / (double) periods, 2)));
      out.put("redisRoundTripsPerCycle", round(d.totalRoundTrips() / (double) periods, 2))
          .put("redisInScriptCallsPerCycle", round(d.totalInScripts() / (double) periods, 1))
          .put("redisRoundTripsByCommand", byCommand);
    }
    return out;
  }

  private static double delta(PromText a, PromText b, String name, String labels) {
    return b.value(name, labels) - a.value(name, labels);
  }

  static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
