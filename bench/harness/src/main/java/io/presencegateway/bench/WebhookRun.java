package io.presencegateway.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Webhook throughput of one gateway (one store): {@code --subscriptions} API subscriptions, all
 * pointing at the harness's {@link WebhookReceiver}, then three phases, each a burst of presence
 * changes made through the simulator's control API and counted at the receiver:
 * <ol>
 *   <li><b>clean</b>: {@code --events} people change once each; the receiver answers 204 to all.
 *   Expected: exactly events × subscriptions deliveries;</li>
 *   <li><b>failing</b>: as many other people change once each, and as soon as the first delivery is
 *   in, a quarter of them change again (so that pending retries of their older state are
 *   superseded, PRODUCT.md §5.1); the receiver fails about {@code --fail-share} of all requests
 *   with a 500 ({@link FailurePlan}). Expected: every (subscription, person) ends with the
 *   person's final status, nothing out of order, no dead letter;</li>
 *   <li><b>ceiling</b>: the harness itself POSTs as many requests of the same body size straight to
 *   the same receiver, {@code --ceiling-concurrency} at a time ({@link HttpCeiling}).</li>
 * </ol>
 * A warm-up burst (a tenth of the events) comes first and is not reported.
 *
 * <p>Each changed person is also moved to an organisation of its own: the gateway makes one event
 * per organisation and poll cycle (PRODUCT.md §4), so a burst of N changes in one cycle becomes N
 * events, and N × subscriptions jobs wait at once: the delivery path's capacity is measured, not
 * the poll interval. Rates are counted at the receiver, from the phase's first request to its last
 * 2xx. The gateway's CPU (and Redis's, with --redis-pid) is read from /proc at those two moments, on
 * the receiver's event loop.
 *
 * <p>Options: --gateway URL --simulator URL --gateway-pid N --store memory|redis --out FILE
 * [--subscriptions 100] [--events 200] [--fail-share 0.2] [--fail-seed 9] [--max-fails-in-a-row 4]
 * [--ceiling-concurrency 4 × subscriptions] [--phase-deadline-s 40] [--clk-tck 100] [--retry-schedule TEXT]
 * [--redis-pid N].
 */
final class WebhookRun {
  /** The gateway's per-subscription limit of attempts out at once (DeliveryWorker.MAX_IN_FLIGHT). */
  private static final int GATEWAY_IN_FLIGHT_PER_SUBSCRIPTION = 4;

  /**
   * CPU of the gateway process (and of Redis, when given) at the first request and at the end of a
   * phase, read on the receiver's event loop at those moments; -1 = not read.
   */
  private final class CpuWindow {
    volatile double gatewayStartMs = -1;
    volatile double gatewayEndMs = -1;
    volatile double redisStartMs = -1;
    volatile double redisEndMs = -1;

    void start() {
      gatewayStartMs = gatewayProc.cpuMs();
      redisStartMs = redisProc == null ? 0 : redisProc.cpuMs();
    }

    void end() {
      gatewayEndMs = gatewayProc.cpuMs();
      redisEndMs = redisProc == null ? 0 : redisProc.cpuMs();
    }

    /** Into the phase's figures: CPU in the window and per 1,000 deliveries. */
    void addTo(JsonObject figures, long delivered) {
      double gateway = gatewayStartMs < 0 ? 0 : gatewayEndMs - gatewayStartMs;
      figures.put("gatewayCpuMs", Math.round(gateway)).put("gatewayCpuMsPer1000", per1000(gateway, delivered));
      if (redisProc != null) {
        double redis = redisStartMs < 0 ? 0 : redisEndMs - redisStartMs;
        figures.put("redisCpuMs", Math.round(redis)).put("redisCpuMsPer1000", per1000(redis, delivered));
      }
    }

    private double per1000(double cpuMs, long delivered) {
      return delivered == 0 ? 0 : PollRun.round(cpuMs / delivered * 1000, 1);
    }
  }

  private final Args args;
  private final Gateway gateway;
  private final Simulator simulator;
  private final Proc gatewayProc;
  private final Proc redisProc;
  private final Vertx vertx;
  private final WebhookReceiver receiver;
  private final int subscriptions;
  private final long phaseDeadlineMs;
  private final Random random = new Random(11);

  private WebhookRun(Args a, Vertx vertx) {
    Http http = new Http();
    this.args = a;
    this.gateway = new Gateway(http, a.get("gateway"));
    this.simulator = new Simulator(http, a.get("simulator"));
    int tck = a.integer("clk-tck", 100);
    this.gatewayProc = new Proc(Long.parseLong(a.get("gateway-pid")), tck);
    this.redisProc = a.has("redis-pid") ? new Proc(Long.parseLong(a.get("redis-pid")), tck) : null;
    this.vertx = vertx;
    this.receiver = new WebhookReceiver(vertx, Runtime.getRuntime().availableProcessors());
    this.subscriptions = a.integer("subscriptions", 100);
    this.phaseDeadlineMs = a.integer("phase-deadline-s", 40) * 1000L;
  }

  static void main(Args a) throws IOException {
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject result = new WebhookRun(a, vertx).run();
      System.out.println(result.encodePrettily());
      Files.writeString(Path.of(a.get("out")), result.encode() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } finally {
      within(vertx.close(), 10_000);
    }
  }

  private JsonObject run() {
    int events = args.integer("events", 200);
    within(receiver.listen(), 10_000);
    gateway.awaitFirstCycle(System.currentTimeMillis() + 60_000);
    List<Simulator.Person> pool = new ArrayList<>(simulator.peopleWithStatus());
    Collections.shuffle(pool, new Random(7));
    int warm = Math.max(5, events / 10);
    if (pool.size() < warm + 2 * events) {
      throw new IllegalStateException("the simulator has " + pool.size() + " people with a status; " + (warm + 2 * events) + " are needed");
    }
    subscribe();

    Map<String, JsonObject> warmUp = changes(pool.subList(0, warm), 1);
    phase("warm-up", warmUp, Map.of(), FailurePlan.NEVER);
    List<Simulator.Person> cleanPeople = pool.subList(warm, warm + events);
    JsonObject clean = phase("clean", changes(cleanPeople, 1), Map.of(), FailurePlan.NEVER);
    List<Simulator.Person> failPeople = pool.subList(warm + events, warm + 2 * events);
    FailurePlan failures = new FailurePlan(args.number("fail-share", 0.2), args.integer("fail-seed", 9),
        args.integer("max-fails-in-a-row", 4));
    JsonObject failing = phase("failing", changes(failPeople, 1), changes(failPeople.subList(0, events / 4), 2), failures);
    long gatewayConnections = receiver.connections();
    JsonObject ceiling = ceiling(events * subscriptions);

    PromText m = gateway.metrics();
    JsonObject attempts = new JsonObject();
    for (String outcome : List.of("success", "server_error", "client_error", "no_response", "other")) {
      attempts.put(outcome, (long) m.value("presence_webhook_attempts_total", "outcome=\"" + outcome + "\""));
    }
    return new JsonObject().put("store", args.get("store")).put("subscriptions", subscriptions).put("events", events)
        .put("rechangedInFailing", events / 4).put("warmUpEvents", warm)
        .put("retrySchedule", args.get("retry-schedule", "")).put("failPlan", new JsonObject()
            .put("share", failures.share()).put("seed", failures.seed()).put("maxInARow", failures.maxInARow()))
        .put("clean", clean).put("failing", failing).put("ceiling", ceiling)
        .put("cleanVsCeiling", ratio(clean.getLong("perSecond"), ceiling.getLong("perSecond")))
        .put("gateway", new JsonObject().put("attemptsByOutcome", attempts)
            .put("deadLetters", (long) m.value("presence_webhook_dead_letters_total"))
            .put("queueDepthAtEnd", (long) m.value("presence_webhook_queue_depth"))
            .put("connectionsOpened", gatewayConnections)
            .put("rssMiB", Math.round(gatewayProc.rssKiB() / 1024.0)));
  }

  /** Creates the subscriptions through the gateway's API; the receiver learns each secret (never printed). */
  private void subscribe() {
    for (int i = 0; i < subscriptions; i++) {
      Gateway.Subscription s = gateway.subscribe(receiver.url(i), "bench receiver " + i);
      receiver.secret(i, s.secret());
    }
  }

  /**
   * The simulator updates of one burst: each person to the status {@code steps} after its
   * current one, and (the first time) into an organisation of its own, so each change is one event.
   */
  private Map<String, JsonObject> changes(List<Simulator.Person> people, int steps) {
    Map<String, JsonObject> out = new LinkedHashMap<>();
    for (Simulator.Person p : people) {
      String status = p.status();
      for (int i = 0; i < steps; i++) {
        status = Simulator.nextStatus(status);
      }
      JsonObject fields = new JsonObject().put("status", status);
      if (steps == 1) {
        fields.put("orgId", newOrgId());
      }
      out.put(p.id(), fields);
    }
    return out;
  }

  /** A Webex organisation id: unpadded base64 of {@code ciscospark://us/ORGANIZATION/<uuid>}. */
  private String newOrgId() {
    String hydra = "ciscospark://us/ORGANIZATION/" + new UUID(random.nextLong(), random.nextLong());
    return Base64.getEncoder().withoutPadding().encodeToString(hydra.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  /**
   * One burst ({@code first}), and a second one ({@code then}, may be empty) as soon as the first
   * delivery of the phase is in; waits, at most the phase deadline, until the receiver holds every
   * person's final status at every subscription.
   */
  private JsonObject phase(String name, Map<String, JsonObject> first, Map<String, JsonObject> then, FailurePlan failures) {
    Map<String, String> finalStatus = new HashMap<>();
    Map<String, Integer> changeCount = new HashMap<>();
    for (Map<String, JsonObject> burst : List.of(first, then)) {
      burst.forEach((id, f) -> {
        finalStatus.put(id, f.getString("status"));
        changeCount.merge(id, 1, Integer::sum);
      });
    }
    DeliveryLedger ledger = new DeliveryLedger(name, new DeliveryLedger.Plan(finalStatus, changeCount, subscriptions, 0), failures);
    CpuWindow cpu = new CpuWindow();
    ledger.firstRequest().thenRun(cpu::start);
    ledger.done().thenRun(cpu::end);
    long deadline = System.currentTimeMillis() + phaseDeadlineMs;
    receiver.begin(ledger);
    simulator.update(first);
    if (!then.isEmpty() && doneBy(ledger.firstRequest(), deadline)) {
      simulator.update(then);
    }
    doneBy(ledger.done(), deadline);
    if (cpu.gatewayEndMs < 0) {
      cpu.end(); // incomplete: the CPU up to the deadline
    }
    JsonObject out = ledger.figures().put("events", first.size() + then.size())
        .put("expectedDeliveries", then.isEmpty() ? (long) first.size() * subscriptions : null);
    cpu.addTo(out, ledger.delivered());
    System.err.println("[webhooks-run] " + args.get("store") + " " + name + ": " + out.encode());
    return out;
  }

  /** A short warm-up of the client, then {@code requests} POSTs straight to the receiver, timed by its ledger. */
  private JsonObject ceiling(int requests) {
    int concurrency = args.integer("ceiling-concurrency", GATEWAY_IN_FLIGHT_PER_SUBSCRIPTION * subscriptions);
    Buffer body = receiver.sampleBody();
    HttpCeiling client = new HttpCeiling(vertx, receiver, subscriptions, concurrency);
    try {
      ceilingPass(client, "ceiling-warm-up", body, Math.max(concurrency, requests / 10));
      return ceilingPass(client, "ceiling", body, requests).put("concurrency", concurrency).put("bodyBytes", body.length());
    } finally {
      within(client.close(), 10_000);
    }
  }

  private JsonObject ceilingPass(HttpCeiling client, String name, Buffer body, int requests) {
    DeliveryLedger ledger = new DeliveryLedger(name, new DeliveryLedger.Plan(Map.of(), Map.of(), subscriptions, requests),
        FailurePlan.NEVER);
    receiver.begin(ledger);
    within(client.run(body, requests), phaseDeadlineMs);
    doneBy(ledger.done(), System.currentTimeMillis() + 5_000);
    JsonObject f = ledger.figures();
    return new JsonObject().put("complete", f.getBoolean("complete")).put("requests", f.getLong("requests"))
        .put("delivered", f.getLong("delivered")).put("firstToLastMs", f.getLong("firstToLastMs"))
        .put("perSecond", f.getLong("perSecond"));
  }

  private static double ratio(long a, long b) {
    return b == 0 ? 0 : PollRun.round((double) a / b, 3);
  }

  /** Waits for a Vert.x future at most {@code timeoutMs}; its failure stops the run. */
  private static <T> T within(Future<T> f, long timeoutMs) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("no answer within " + timeoutMs + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Whether {@code f} completed before the deadline (epoch ms). */
  private static boolean doneBy(CompletableFuture<Void> f, long deadlineMs) {
    try {
      f.get(Math.max(1, deadlineMs - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
