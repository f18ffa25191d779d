package io.presencegateway.loadtool;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fan-out targets of PRODUCT.md §7, each checked against the gateway run of the scenario made
 * for it (bench/fanout.sh: a, b, c). A target is only judged at its own size: a smaller smoke run
 * says so instead of claiming a result. When a target is missed, {@link Spec#limit} says what limits it
 * and the fix proposed: found by reading the gateway's and Vert.x's code and by class histograms
 * ({@code jcmd GC.class_histogram}) of the gateway with 2,000 SSE or 2,000 WebSocket clients.
 */
enum FanoutTarget {
  BUSY("a", 2_000, "detection → client p99 ≤ 50 ms at 2,000 clients and 20 changes/s",
      "the bus hop is one per event loop since the live fan-out (LiveFanOut: one event-bus consumer per HTTP "
          + "verticle hands each event to its loop's feeds, the id parsed once, the frame cached per filter); what "
          + "remains is one write and one flush (a syscall) per client on the gateway's 2 event loops, which share the 2 "
          + "cores with the load tool reading the same messages, and a WebSocket message UTF-8 encoded again per "
          + "client (Vert.x takes a String). Fix: flush batching per event loop, sharing the encoded WebSocket frame, "
          + "or server and load tool on separate cores") {
    @Override
    Verdict judge(RunFigures g, Context c) {
      Double p99 = g.latency("p99");
      return verdict(p99 != null && p99 <= 50 && lossless(g), "p99 " + ms(p99));
    }
  },

  WIDE("b", 10_000, "upstream change → client within the poll interval + 100 ms at p99, 10,000 clients, 2 changes/s",
      "as in scenario a: an event reaches its last client only after a write and flush per client on the 2 "
          + "event loops, so the tail grows with the number of clients (10,000 here); same fix") {
    @Override
    Verdict judge(RunFigures g, Context c) {
      Double p99 = g.latency("p99");
      Double cycle = g.pollCycleMeanMs();
      // an upstream change waits at most one interval for the next cycle, then the cycle reads and
      // diffs the org: what must fit in the 100 ms is the cycle plus detection → client
      double beyondInterval = (p99 == null ? Double.NaN : p99) + (cycle == null ? 0 : cycle);
      return verdict(beyondInterval <= 100 && lossless(g), String.format(Locale.ROOT,
          "detection → client p99 %s + mean poll cycle %s = %s, of the 100 ms allowed on top of the poll interval",
          ms(p99), ms(cycle), ms(beyondInterval)));
    }
  },

  IDLE("c", 20_000, "as many clients as the per-process open-file limit allows (20,000 here), ≤ 8 KiB heap per idle connection",
      "mostly Vert.x itself: every Vert.x 5 connection allocates an outbound queue whose first jctools chunk "
          + "(1,024 slots, about 4 KiB) exists up front (VertxConnection → OutboundMessageQueue → "
          + "MessagePassingQueue.MpSc), and a WebSocket keeps two (its own and that of the HTTP/1.1 connection it was "
          + "upgraded from); the Netty channel and pipeline and Vert.x's request, response and headers add several KiB "
          + "more; the gateway's own state (feed, timer, registry entry) is about 0.5 KiB. Fix: needs "
          + "Vert.x to allocate that queue lazily or smaller (an upstream change); the gateway can only shave its "
          + "0.5 KiB") {
    /** Here "its size" is what the open-file limit allows, which bench/fanout.sh worked out. */
    @Override
    int size(Context c) {
      return c.idleClients();
    }

    @Override
    Verdict judge(RunFigures g, Context c) {
      Double heap = g.heapKiBPerConn();
      boolean lean = heap != null && heap <= 8;
      boolean allHeld = g.connected() == g.attempted() && g.disconnects() == 0;
      String measured = String.format(Locale.ROOT, "%,d of %,d clients held (open-file limit %,d per process, less "
          + "headroom), heap %s KiB per connection", g.connected(), g.attempted(), c.fdLimit(), Report.num(heap));
      List<String> limits = new ArrayList<>();
      if (!lean) {
        limits.add(limit());
      }
      if (!allHeld) {
        limits.add(String.format(Locale.ROOT, RAMP_LIMIT, Report.num(g.rampCpuMsPerConn())));
      }
      return new Verdict(lean && allHeld, measured, limits.isEmpty() ? null : String.join(". Also ", limits));
    }
  };

  /** What the report knows beyond the runs. */
  record Context(int pollIntervalMs, int fdLimit, int idleClients) {
  }

  /** Whether the target is met, the figures that say so, and what limits it when it is not. */
  record Verdict(boolean met, String measured, String limitedBy) {
  }

  /** Why clients can fail to connect within the ramp time; %s is the run's ramp CPU per connection. */
  private static final String RAMP_LIMIT = "connecting: every new client costs the gateway CPU (%s ms per connection "
      + "in this run, events included): a snapshot envelope rendered for each client (PresenceFeed.snapshotEnvelope) "
      + "and a bus consumer added to Vert.x's copy-on-write list of all consumers of the address (removed again with a "
      + "linear search, so a mass disconnect is quadratic), while every event is fanned out to all the clients "
      + "already connected on the same event loops";

  /** Which scenario's run judges the target, at how many clients, by what rule; what limits it when missed. */
  private record Spec(String scenario, int clients, String rule, String limit) {
  }

  private final Spec spec;

  FanoutTarget(String scenario, int clients, String rule, String limit) {
    this.spec = new Spec(scenario, clients, rule, limit);
  }

  abstract Verdict judge(RunFigures gateway, Context context);

  /** A verdict whose limit, when missed, is the target's own (package-private: constant bodies cannot see {@link #spec}). */
  Verdict verdict(boolean met, String measured) {
    return new Verdict(met, measured, met ? null : limit());
  }

  String limit() {
    return spec.limit();
  }

  /** Clients a run needs for the target to be judged. */
  int size(Context context) {
    return spec.clients();
  }

  String scenario() {
    return spec.scenario();
  }

  /** The target's verdict as JSON, or why it was not judged (no run, or a run smaller than the target). */
  JsonObject check(RunFigures gateway, Context context) {
    JsonObject j = new JsonObject().put("target", spec.rule()).put("scenario", spec.scenario());
    if (gateway == null) {
      return j.put("judged", false).put("why", "scenario " + spec.scenario() + " was not run");
    }
    if (gateway.attempted() < size(context)) {
      return j.put("judged", false).put("why", String.format(Locale.ROOT, "run at %,d clients, the target is for %,d",
          gateway.attempted(), size(context)));
    }
    Verdict v = judge(gateway, context);
    j.put("judged", true).put("met", v.met()).put("measured", v.measured());
    if (!lossless(gateway)) {
      j.put("loss", Report.num(gateway.missing()) + " of " + Report.num(gateway.expected()) + " deliveries missing");
    }
    return v.met() ? j : j.put("limitedBy", v.limitedBy());
  }

  private static boolean lossless(RunFigures g) {
    return g.missing() == 0 && g.connected() == g.attempted();
  }

  private static String ms(Double v) {
    return v == null || v.isNaN() ? "-" : Report.num(v) + " ms";
  }
}
