package io.presencegateway.bench;

import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the receiver saw in one phase of a webhook run, and whether it is complete. Written by the
 * receiver's event loops (several at once), read by the driver.
 *
 * <p>Counted per (subscription, webhook-id), i.e. per (subscription, event): requests, and 2xx
 * answers (the first one is a delivery, any further one a duplicate). Counted per (subscription,
 * person): the newest event delivered (by event id, which orders events) and its status, and how
 * many distinct events of that person arrived. Because the gateway's newest state wins (PRODUCT.md
 * §5.1), an older event of a person may rightly never arrive once a newer one is queued, so
 * "nothing lost" is judged per (subscription, person): the phase is complete when every planned
 * (subscription, person) holds the person's final status; a pair that does not at the end is
 * <b>lost</b>; an older event that never arrived where the newest did is <b>superseded</b> (allowed);
 * an older event that arrived after a newer one is <b>out of order</b> (a violation).
 */
final class DeliveryLedger {
  /**
   * @param finalStatus person id → the status the driver set last in this phase
   * @param changes     person id → how many changes (so events) the driver made to that person
   * @param minPairs    distinct (subscription, event) deliveries needed on top (the ceiling's count)
   */
  record Plan(Map<String, String> finalStatus, Map<String, Integer> changes, int subscriptions, long minPairs) {
    long plannedStates() {
      return (long) finalStatus.size() * subscriptions;
    }
  }

  private static final long SLICE_NANOS = 100_000_000L;

  private static final class Pair {
    int requests;
    int successes;
  }

  private static final class Newest {
    String eventId;
    String status;
    int events;
  }

  private final String name;
  private final Plan plan;
  private final FailurePlan failures;
  private final ConcurrentHashMap<String, Pair> pairs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Newest> newest = new ConcurrentHashMap<>();
  private final LongAdder requests = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder badSignatures = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder outOfOrder = new LongAdder();
  private final LongAdder unexpectedItems = new LongAdder();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong satisfied = new AtomicLong();
  private final AtomicLong firstRequestNanos = new AtomicLong();
  private final AtomicLong lastSuccessNanos = new AtomicLong();
  private final AtomicLong doneNanos = new AtomicLong();
  /** 100 ms slice of the phase → subscriptions that got a delivery in it: how many the gateway serves at once. */
  private final ConcurrentHashMap<Long, Set<Integer>> servedBySlice = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> first = new CompletableFuture<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  DeliveryLedger(String name, Plan plan, FailurePlan failures) {
    this.name = name;
    this.plan = plan;
    this.failures = failures;
  }

  String name() {
    return name;
  }

  /** Completes (on a receiver event loop) when the first request of the phase arrives. */
  CompletableFuture<Void> firstRequest() {
    return first;
  }

  /** Completes (on a receiver event loop) when the phase is complete. */
  CompletableFuture<Void> done() {
    return done;
  }

  /** A request arrived: counts it, and says whether the receiver fails it (by the failure plan). */
  boolean requestFails(int subscription, String webhookId) {
    long now = System.nanoTime();
    if (firstRequestNanos.compareAndSet(0, now)) {
      first.complete(null);
    }
    requests.increment();
    Pair p = pairs.compute(subscription + "|" + webhookId, (k, v) -> {
      Pair out = v == null ? new Pair() : v;
      out.requests++;
      return out;
    });
    boolean fails = failures.fails(subscription, webhookId, p.requests);
    if (fails) {
      failed.increment();
    }
    return fails;
  }

  void badSignature() {
    badSignatures.increment();
  }

  /** A 2xx was answered: the first for its (subscription, event) is a delivery and moves its people's state. */
  void succeeded(int subscription, String webhookId, Iterable<Object> items) {
    Pair p = pairs.compute(subscription + "|" + webhookId, (k, v) -> {
      v.successes++;
      return v;
    });
    long now = System.nanoTime();
    lastSuccessNanos.accumulateAndGet(now, Math::max);
    servedBySlice.computeIfAbsent((now - firstRequestNanos.get()) / SLICE_NANOS, s -> ConcurrentHashMap.newKeySet()).add(subscription);
    if (p.successes > 1) {
      duplicates.increment();
      return;
    }
    delivered.incrementAndGet();
    for (Object o : items) {
      JsonObject item = (JsonObject) o;
      track(subscription, webhookId, item.getString("id"), item.getString("status"));
    }
    if (satisfied.get() >= plan.plannedStates() && delivered.get() >= plan.minPairs() && doneNanos.compareAndSet(0, System.nanoTime())) {
      done.complete(null);
    }
  }

  private void track(int subscription, String eventId, String personId, String status) {
    String wanted = plan.finalStatus().get(personId);
    if (wanted == null) {
      unexpectedItems.increment();
      return;
    }
    newest.compute(subscription + "|" + personId, (k, v) -> {
      if (v == null) {
        v = new Newest();
      } else if (compareEventIds(eventId, v.eventId) < 0) {
        outOfOrder.increment(); // an older state after a newer one: it does not replace it
        v.events++;
        return v;
      }
      boolean was = wanted.equals(v.status);
      v.eventId = eventId;
      v.status = status;
      v.events++;
      boolean is = wanted.equals(status);
      if (is != was) {
        satisfied.addAndGet(is ? 1 : -1);
      }
      return v;
    });
  }

  /** The median number of subscriptions served in one 100 ms slice (with a delivery or more in it). */
  private int medianServed() {
    int[] sizes = servedBySlice.values().stream().mapToInt(Set::size).sorted().toArray();
    return sizes.length == 0 ? 0 : sizes[sizes.length / 2];
  }

  /** Event ids are {@code <millis>-<sequence>} and ordered that way (the gateway's EventId). */
  static int compareEventIds(String a, String b) {
    int da = a.indexOf('-');
    int db = b.indexOf('-');
    int c = Long.compare(Long.parseLong(a.substring(0, da)), Long.parseLong(b.substring(0, db)));
    return c != 0 ? c : Long.compare(Long.parseLong(a.substring(da + 1)), Long.parseLong(b.substring(db + 1)));
  }

  long delivered() {
    return delivered.get();
  }

  /** The figures of the phase so far; complete or not ({@code complete} says which). */
  JsonObject figures() {
    long firstNs = firstRequestNanos.get();
    long lastNs = lastSuccessNanos.get();
    double spanS = firstNs == 0 || lastNs <= firstNs ? 0 : (lastNs - firstNs) / 1e9;
    long superseded = 0;
    for (Map.Entry<String, Newest> e : newest.entrySet()) {
      String person = e.getKey().substring(e.getKey().indexOf('|') + 1);
      if (plan.finalStatus().get(person).equals(e.getValue().status)) {
        superseded += plan.changes().getOrDefault(person, 1) - e.getValue().events;
      }
    }
    long req = requests.sum();
    JsonObject out = new JsonObject()
        .put("complete", doneNanos.get() != 0)
        .put("requests", req).put("failedRequests", failed.sum())
        .put("failedShare", PollRun.round(req == 0 ? 0 : failed.sum() / (double) req, 3))
        .put("delivered", delivered.get()).put("duplicates", duplicates.sum())
        .put("plannedStates", plan.plannedStates()).put("finalStates", satisfied.get())
        .put("lost", plan.plannedStates() - satisfied.get()).put("superseded", superseded)
        .put("outOfOrder", outOfOrder.sum()).put("badSignatures", badSignatures.sum())
        .put("unexpectedItems", unexpectedItems.sum())
        .put("subscriptionsPer100msMedian", medianServed())
        .put("firstToLastMs", Math.round(spanS * 1000))
        .put("perSecond", spanS == 0 ? 0 : Math.round(delivered.get() / spanS));
    if (doneNanos.get() != 0) {
      out.put("drainMs", Math.round((doneNanos.get() - firstNs) / 1e6));
    }
    return out;
  }
}
