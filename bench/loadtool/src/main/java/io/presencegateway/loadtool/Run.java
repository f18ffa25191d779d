package io.presencegateway.loadtool;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * One measurement, phase after phase, each bounded in time:
 * <ol>
 *   <li>baseline: server CPU with no clients (the gateway keeps polling its simulator), then its
 *       live heap (full GC) and RSS;</li>
 *   <li>ramp: every client connects (bounded handshakes in flight, bounded total time), then, for the
 *       gateway, until each has its snapshot (its subscription is live);</li>
 *   <li>heap and RSS again: the difference per client is the memory a connection holds;</li>
 *   <li>warm-up (Nchan: the publisher starts here), then the window: server CPU sampled at its
 *       start and end;</li>
 *   <li>drain: until every client has seen an event after the window (streams are ordered, so its
 *       window is then complete) or has lost its connection, bounded by the grace time;</li>
 *   <li>expected events: the gateway's replay of its log (plus anything any client saw), or what
 *       the Nchan publisher got accepted; then loss per client against it.</li>
 * </ol>
 */
final class Run {
  private static final long DRAIN_CHECK_MS = 50;
  private static final long GREETING_WAIT_MS = 20_000;

  private final Vertx vertx;
  private final RunConfig config;
  private final Fleet fleet;
  private final Measurement measurement;
  private final Publisher publisher;
  private final ProcStats server;
  private final JsonObject result = new JsonObject();
  private ProcStats.Sample windowStart;
  private ProcStats.Sample windowEnd;
  private long selfTicksStart;
  private long selfTicksEnd;
  private long rssBefore = -1;
  private long rssAfter = -1;
  private long heapBefore = -1;
  private long heapAfter = -1;
  private long drainMillis;
  private PollCycles.Reading pollCyclesStart;

  Run(Vertx vertx, RunConfig config, Fleet fleet, Measurement measurement, Publisher publisher) {
    this.vertx = vertx;
    this.config = config;
    this.fleet = fleet;
    this.measurement = measurement;
    this.publisher = publisher;
    this.server = new ProcStats(config.pids());
  }

  Future<JsonObject> execute() {
    return baseline()
        .compose(v -> memory()).map(m -> {
          heapBefore = m[0];
          rssBefore = m[1];
          return null;
        })
        .compose(v -> connect())
        .compose(v -> memory()).map(m -> {
          heapAfter = m[0];
          rssAfter = m[1];
          return null;
        })
        .compose(v -> {
          if (publisher != null) {
            publisher.start((long) config.warmupMs() + config.windowMs() + config.graceMs() + 2_000);
          }
          // Vert.x refuses a timer of 0 ms, and --warmup-ms 0 is allowed
          return config.warmupMs() == 0 ? Future.<Void>succeededFuture() : vertx.timer(config.warmupMs()).<Void>mapEmpty();
        })
        .compose(v -> window())
        .compose(v -> drain())
        .compose(v -> publisher == null ? Future.<Void>succeededFuture() : publisher.stop())
        .compose(v -> fleet.freeze())
        .compose(v -> expectedEvents())
        .map(this::report);
  }

  /** Server CPU over the baseline time with no client connected. */
  private Future<Void> baseline() {
    if (!server.enabled() || config.baselineMs() == 0) {
      return Future.succeededFuture();
    }
    ProcStats.Sample before = server.sample();
    return vertx.timer(config.baselineMs()).map(t -> {
      ProcStats.Sample after = server.sample();
      result.put("idleCpuPct", pct(after.cpuTicks() - before.cpuTicks(), config.baselineMs()));
      return null;
    });
  }

  /** {live heap bytes (or -1), RSS KiB (or -1)}; the heap probe runs a full GC first, so RSS is read after it. */
  private Future<long[]> memory() {
    Future<Long> heap = config.jvmPid() > 0
        ? vertx.executeBlocking(() -> new HeapProbe(config.jvmPid()).liveBytes(), false)
        : Future.succeededFuture(-1L);
    return heap.map(h -> new long[] {h, server.enabled() ? server.sample().rssKiB() : -1});
  }

  /** Opens every client; the server's CPU over the ramp, per connection, is what accepting a subscriber costs. */
  private Future<Void> connect() {
    ProcStats.Sample before = server.enabled() ? server.sample() : null;
    Promise<Void> ramped = Promise.promise();
    fleet.connectAll(config.connectInFlight()).onComplete(ar -> ramped.tryComplete());
    long timer = vertx.setTimer(config.rampTimeoutMs(), t -> {
      result.put("rampTimedOut", true);
      fleet.stopLaunching();
      ramped.tryComplete();
    });
    return ramped.future().compose(v -> {
      vertx.cancelTimer(timer);
      return greetings();
    }).andThen(ar -> {
      long connected = fleet.clients().stream().filter(Client::connected).count();
      if (before != null && connected > 0) {
        long ticks = server.sample().cpuTicks() - before.cpuTicks();
        result.put("rampCpuMsPerConn", round(ticks * 1000.0 / config.clockTicks() / connected, 3));
      }
    });
  }

  /**
   * Waits until every connected client got its first message, if the server sends one (a WebSocket
   * client's subscription is only live once the gateway read its subscribe message), so that the
   * heap and RSS weighed next hold every subscription; bounded.
   */
  private Future<Void> greetings() {
    if (!config.target().flavour().greetsOnConnect()) {
      return Future.succeededFuture();
    }
    Promise<Void> all = Promise.promise();
    long deadline = System.nanoTime() + GREETING_WAIT_MS * 1_000_000L;
    long timer = vertx.setPeriodic(DRAIN_CHECK_MS, t -> {
      long waiting = fleet.ungreeted();
      if (waiting == 0 || System.nanoTime() >= deadline) {
        if (waiting > 0) {
          result.put("ungreetedClients", waiting);
        }
        all.tryComplete();
      }
    });
    return all.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  private Future<Void> window() {
    return pollCycles().compose(first -> {
      pollCyclesStart = first;
      long start = System.currentTimeMillis();
      measurement.open(start, start + config.windowMs());
      windowStart = server.enabled() ? server.sample() : null;
      selfTicksStart = ProcStats.selfCpuTicks();
      return vertx.timer(config.windowMs());
    }).compose(t -> {
      windowEnd = server.enabled() ? server.sample() : null;
      selfTicksEnd = ProcStats.selfCpuTicks();
      return pollCycles();
    }).map(last -> {
      if (config.target().flavour() == Flavour.GATEWAY) {
        result.put("pollCycles", PollCycles.between(pollCyclesStart, last));
      }
      return null;
    });
  }

  /** The gateway's poll cycle summary now (Nchan has no poller: null). */
  private Future<PollCycles.Reading> pollCycles() {
    return config.target().flavour() == Flavour.GATEWAY ? PollCycles.read(vertx, config.target())
        : Future.succeededFuture();
  }

  /** Checks a few times a second whether every client's window is complete; gives up after the grace time. */
  private Future<Void> drain() {
    Promise<Void> drained = Promise.promise();
    long started = System.nanoTime();
    long deadline = started + config.graceMs() * 1_000_000L;
    long timer = vertx.setPeriodic(DRAIN_CHECK_MS, t -> {
      if (fleet.unsettled() == 0 || System.nanoTime() >= deadline) {
        drainMillis = (System.nanoTime() - started) / 1_000_000;
        drained.tryComplete();
      }
    });
    return drained.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  /** The window's events every client should have received, sorted, with how that list was made. */
  private Future<long[]> expectedEvents() {
    long[] union = LossAccounting.union(fleet.clients());
    long from = measurement.startMillis();
    long to = measurement.endMillis();
    JsonObject reference = new JsonObject().put("unionOfClients", union.length);
    result.put("reference", reference);
    if (publisher != null) {
      long[] accepted = publisher.acceptedBetween(from, to);
      reference.put("source", "publisher (2xx answers)").put("events", accepted.length).put("complete", true)
          .put("items", (long) accepted.length * config.items()).put("seenButNotPublished", LossAccounting.minus(union, accepted).length);
      return Future.succeededFuture(accepted);
    }
    return ReplayReference.fetch(vertx, config.target(), measurement.lastKeyBeforeWindow(), from, to).map(replay -> {
      long[] replayed = LossAccounting.distinctSorted(replay.keys());
      reference.put("source", "gateway log replay (Last-Event-ID)").put("events", replayed.length)
          .put("complete", replay.complete()).put("items", replay.items())
          .put("seenButNotReplayed", LossAccounting.minus(union, replayed).length)
          .put("replayedButSeenByNoClient", LossAccounting.minus(replayed, union).length);
      if (replay.problem() != null) {
        reference.put("problem", replay.problem());
      }
      long[] both = new long[replayed.length + union.length];
      System.arraycopy(replayed, 0, both, 0, replayed.length);
      System.arraycopy(union, 0, both, replayed.length, union.length);
      return LossAccounting.distinctSorted(both);
    });
  }

  private JsonObject report(long[] expected) {
    double windowSeconds = config.windowMs() / 1000.0;
    long connected = fleet.clients().stream().filter(Client::connected).count();
    LossAccounting loss = LossAccounting.of(fleet.clients(), expected);
    JsonObject lossJson = loss.toJson().put("disconnects", measurement.disconnects())
        .put("notDrained", fleet.unsettled()).put("drainMs", drainMillis)
        .put("unparseableMessages", measurement.unparseableMessages());

    JsonObject clients = new JsonObject().put("sse", config.sseClients()).put("ws", config.wsClients())
        .put("connected", connected).put("failed", config.clients() - connected)
        .put("rampMs", fleet.rampMillis()).put("connectMs", Stats.millis(fleet.connectTimes()));
    JsonObject failures = new JsonObject();
    for (Map.Entry<String, Integer> f : fleet.failures().entrySet()) {
      failures.put(f.getKey(), f.getValue());
    }
    if (!failures.isEmpty()) {
      clients.put("failures", failures);
    }

    result.put("label", config.label())
        .put("flavour", config.target().flavour().name().toLowerCase(java.util.Locale.ROOT))
        .put("target", "127.0.0.1:" + config.target().port())
        .put("windowMs", config.windowMs())
        .put("changesPerSec", config.changesPerSec())
        .put("clients", clients)
        .put("eventsPerSec", round(expected.length / windowSeconds, 2))
        .put("itemsPerSec", round(result.getJsonObject("reference").getLong("items", 0L) / windowSeconds, 2))
        .put("deliveredPerSec", round(loss.delivered() / windowSeconds, 1))
        .put("latencyMs", Stats.millis(measurement.latencies()).put("negativeClamped", measurement.negativeLatencies()))
        .put("envelopeBytes", Stats.plain(measurement.envelopeSizes()))
        .put("loss", lossJson)
        .put("server", serverJson(loss.delivered(), connected))
        .put("loadToolCpuPct", pct(selfTicksEnd - selfTicksStart, config.windowMs()));
    if (publisher != null) {
      result.put("publisher", publisher.summary());
    }
    return result;
  }

  private JsonObject serverJson(long delivered, long connected) {
    JsonObject s = new JsonObject().put("pids", new JsonArray(config.pids()));
    if (windowStart != null && windowEnd != null) {
      long ticks = windowEnd.cpuTicks() - windowStart.cpuTicks();
      double cpuMs = ticks * 1000.0 / config.clockTicks();
      s.put("cpuMsInWindow", round(cpuMs, 1)).put("cpuPct", pct(ticks, config.windowMs()))
          .put("cpuMsPer1000Msgs", delivered == 0 ? null : round(cpuMs / (delivered / 1000.0), 3))
          .put("rssKiBEnd", windowEnd.rssKiB());
    }
    s.put("rssKiBBefore", rssBefore).put("rssKiBAfter", rssAfter);
    if (rssBefore >= 0 && connected > 0) {
      s.put("rssKiBPerConn", round((rssAfter - rssBefore) / (double) connected, 2));
    }
    if (heapBefore >= 0 && connected > 0) {
      s.put("heapLiveBytesBefore", heapBefore).put("heapLiveBytesAfter", heapAfter)
          .put("heapKiBPerConn", round((heapAfter - heapBefore) / 1024.0 / connected, 2));
    }
    return s;
  }

  private double pct(long ticks, long overMillis) {
    return round(ticks * 100.0 / config.clockTicks() / (overMillis / 1000.0), 1);
  }

  static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
