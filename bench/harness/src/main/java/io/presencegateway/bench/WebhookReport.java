package io.presencegateway.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the webhooks-run lines into bench/results/webhooks.json and webhooks.md: per store, the
 * clean and failing phases and the HTTP ceiling of the same run, the gateway's rate as a ratio to
 * the ceiling, and the verdict on PRODUCT.md §7 (≥ 2,000 deliveries/s; nothing lost with a
 * receiver failing 20 % of requests).
 *
 * <p>Options: --runs FILE --machine JSON --command TEXT --out BASE (no extension) [--notes FILE]
 * (markdown appended under the table: what limits the rate, found by profiling).
 */
final class WebhookReport {
  static final long TARGET_PER_SECOND = 2_000;

  private WebhookReport() {
  }

  static void main(Args a) throws IOException {
    List<JsonObject> runs = ResultFiles.lines(Path.of(a.get("runs")));
    JsonObject target = new JsonObject().put("rule", "clean phase ≥ " + TARGET_PER_SECOND
        + " deliveries/s; failing phase complete with nothing lost, out of order or dead-lettered");
    for (JsonObject r : runs) {
      target.put(r.getString("store"), new JsonObject().put("rate", r.getJsonObject("clean").getLong("perSecond") >= TARGET_PER_SECOND)
          .put("nothingLost", nothingLost(r)));
    }
    JsonObject json = new JsonObject().put("bench", "webhooks").put("machine", new JsonObject(a.get("machine")))
        .put("command", a.get("command")).put("target", target).put("runs", new JsonArray(runs));
    String notes = a.has("notes") && Files.exists(Path.of(a.get("notes"))) ? Files.readString(Path.of(a.get("notes"))) : "";
    ResultFiles.write(a.get("out"), json, markdown(json, runs, notes));
  }

  private static boolean nothingLost(JsonObject run) {
    JsonObject f = run.getJsonObject("failing");
    return f.getBoolean("complete") && f.getLong("lost") == 0 && f.getLong("outOfOrder") == 0
        && f.getLong("badSignatures") == 0 && run.getJsonObject("gateway").getLong("deadLetters") == 0;
  }

  private static String markdown(JsonObject json, List<JsonObject> runs, String notes) {
    JsonObject m = json.getJsonObject("machine");
    JsonObject first = runs.get(0);
    StringBuilder out = new StringBuilder();
    out.append("### Webhooks\n\n")
        .append("Measured ").append(m.getString("date")).append(" on ").append(m.getValue("cores")).append(" cores, ")
        .append(m.getValue("memGiB")).append(" GiB, ").append(m.getString("jdk")).append(".\n\n")
        .append("`").append(json.getString("command")).append("`\n\n")
        .append(first.getInteger("subscriptions")).append(" subscriptions made through `/v1/subscriptions`, all pointing at ")
        .append("one local receiver (Vert.x, in the harness, on 127.0.0.1) that verifies the Standard Webhooks ")
        .append("signature of every request. Each phase is one burst of presence changes made through the ")
        .append("simulator's control API; every changed person is moved to an organisation of its own, so one ")
        .append("poll cycle turns a burst of N changes into N events and N × subscriptions jobs wait at once ")
        .append("(the delivery path's capacity is measured, not the poll interval). Rates are counted at the ")
        .append("receiver from a phase's first request to its last 2xx; gateway CPU is read from /proc at those ")
        .append("two moments (Redis's too, in the Redis rows). **clean**: ").append(first.getInteger("events")).append(" people change once, ")
        .append("the receiver accepts everything; expected deliveries are exactly events × subscriptions. ")
        .append("**failing**: ").append(first.getInteger("events")).append(" other people change once and, as soon ")
        .append("as the first delivery is in, ").append(first.getInteger("rechangedInFailing"))
        .append(" of them change again; the receiver answers 500 to a seeded ")
        .append(Math.round(first.getJsonObject("failPlan").getDouble("share") * 100)).append(" % of all requests ")
        .append("(never more than ").append(first.getJsonObject("failPlan").getInteger("maxInARow"))
        .append(" times in a row for one event), retry schedule `").append(first.getString("retrySchedule")).append("`. ")
        .append("Because the newest state wins (PRODUCT.md §5.1), loss is counted per (subscription, person): ")
        .append("**lost** = pairs that do not end with the person's final status; **superseded** = older events ")
        .append("that never arrived where the newer one did (allowed); **out of order** = an older event arriving ")
        .append("after a newer one (a violation); **duplicates** = further 2xx for a (subscription, event). ")
        .append("Drain: first request to the moment every pair holds its final status. **ceiling**: the harness ")
        .append("POSTs as many signed requests with a body of the same size straight to the same receiver, ")
        .append(first.getJsonObject("ceiling").getInteger("concurrency"))
        .append(" at a time (the gateway's own limit: 4 per subscription). \"subscriptions served per 100 ms\": ")
        .append("the median number of subscriptions that got a delivery in one 100 ms slice of the phase (how many ")
        .append("the gateway works on at once).\n\n");
    List<List<String>> rows = new ArrayList<>();
    for (JsonObject r : runs) {
      JsonObject c = r.getJsonObject("clean");
      JsonObject f = r.getJsonObject("failing");
      JsonObject ceiling = r.getJsonObject("ceiling");
      long failPercent = Math.round(r.getJsonObject("failPlan").getDouble("share") * 100);
      rows.add(phaseRow(r, "clean", c, String.format("%,d", c.getLong("expectedDeliveries")) + " expected", ratio(c, ceiling)));
      rows.add(phaseRow(r, "failing " + failPercent + " %", f, f.getInteger("events") + " events", ratio(f, ceiling)));
      rows.add(List.of(r.getString("store"), "HTTP ceiling", String.format("%,d", ceiling.getLong("delivered")) + " requests",
          String.format("%,d", ceiling.getLong("perSecond")), Markdown.num(ceiling.getLong("firstToLastMs")), "1", "-", "-", "-",
          "-", "-", "-", "-", "-"));
    }
    out.append(Markdown.table(List.of("store", "phase", "deliveries", "per s", "first→last ms", "vs ceiling", "drain ms",
        "requests (500s)", "duplicates", "superseded", "lost", "out of order", "gateway CPU ms / 1,000",
        "subscriptions served per 100 ms"), rows));
    out.append('\n');
    for (JsonObject r : runs) {
      JsonObject g = r.getJsonObject("gateway");
      JsonObject t = json.getJsonObject("target").getJsonObject(r.getString("store"));
      out.append("- ").append(r.getString("store")).append(": target ≥ ").append(String.format("%,d", TARGET_PER_SECOND))
          .append("/s ").append(t.getBoolean("rate") ? "met" : "**NOT met**").append("; nothing lost with 20 % failures: ")
          .append(t.getBoolean("nothingLost") ? "met" : "**NOT met**").append(". Gateway side: attempts ")
          .append(g.getJsonObject("attemptsByOutcome").encode()).append(", dead letters ").append(g.getLong("deadLetters"))
          .append(", queue depth at the end ").append(g.getLong("queueDepthAtEnd")).append(", ")
          .append(g.getLong("connectionsOpened")).append(" connections opened to the receiver, RSS ")
          .append(g.getLong("rssMiB")).append(" MiB.\n");
    }
    if (!notes.isBlank()) {
      out.append('\n').append(notes.strip()).append('\n');
    }
    return out.toString();
  }

  private static List<String> phaseRow(JsonObject run, String phase, JsonObject p, String deliveries, String vsCeiling) {
    return List.of(run.getString("store"), phase + (p.getBoolean("complete") ? "" : " (**incomplete**)"),
        String.format("%,d", p.getLong("delivered")) + " (" + deliveries + ")", String.format("%,d", p.getLong("perSecond")),
        Markdown.num(p.getLong("firstToLastMs")), vsCeiling, p.containsKey("drainMs") ? Markdown.num(p.getLong("drainMs")) : "-",
        String.format("%,d", p.getLong("requests")) + " (" + String.format("%,d", p.getLong("failedRequests")) + ")",
        Markdown.num(p.getLong("duplicates")), Markdown.num(p.getLong("superseded")), Markdown.num(p.getLong("lost")),
        Markdown.num(p.getLong("outOfOrder")), Markdown.num(p.getDouble("gatewayCpuMsPer1000"))
            + (p.containsKey("redisCpuMsPer1000") ? " (+ " + Markdown.num(p.getDouble("redisCpuMsPer1000")) + " Redis)" : ""),
        p.getInteger("subscriptionsPer100msMedian") + " of " + run.getInteger("subscriptions"));
  }

  private static String ratio(JsonObject phase, JsonObject ceiling) {
    long c = ceiling.getLong("perSecond");
    return c == 0 ? "-" : Markdown.num(PollRun.round((double) phase.getLong("perSecond") / c, 3));
  }
}
