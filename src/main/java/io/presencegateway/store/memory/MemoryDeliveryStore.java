package io.presencegateway.store.memory;

import io.presencegateway.event.EventId;
import io.presencegateway.store.DeliveryStore;
import io.presencegateway.store.QueuedDelivery;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The delivery queue in process memory, with the same rules and the same shape as the Redis one
 * (see {@link DeliveryStore}, {@link SubscriptionQueues}, {@link NewestEvents}) but not durable. Every method is
 * synchronized: lanes of several contexts and the API use it.
 */
public final class MemoryDeliveryStore implements DeliveryStore {
  /** Jobs one claim looks at, per subscription and in all: a claim stays cheap behind any backlog. */
  static final int CLAIM_SCAN_PER_SUBSCRIPTION = 100;
  static final int CLAIM_SCAN = 1000;
  static final int ATTEMPT_LOG = 100;
  static final int MAX_DEAD_LETTERS = 10_000;

  private record Hold(long untilMs, String jobId) { }

  private final Map<String, QueuedDelivery> jobs = new HashMap<>();
  private final SubscriptionQueues queues = new SubscriptionQueues();
  private final NewestEvents newest = new NewestEvents();
  /** "subscription|person" → the claim holding that person. */
  private final Map<String, Hold> busy = new HashMap<>();
  private final Map<String, LinkedHashMap<String, JsonObject>> dead = new HashMap<>();
  private final Map<String, ArrayDeque<JsonObject>> attemptLog = new HashMap<>();

  @Override
  public synchronized Future<Void> enqueue(List<QueuedDelivery> newJobs) {
    long now = System.currentTimeMillis();
    newest.expire(now, queues::hasJobs);
    for (QueuedDelivery job : newJobs) {
      if (!jobs.containsKey(job.id())) {
        add(job, now);
      }
    }
    return Future.succeededFuture();
  }

  private void add(QueuedDelivery job, long nowMs) {
    jobs.put(job.id(), job);
    queues.schedule(job.subscriptionId(), job.id(), nowMs);
    newest.raise(job.subscriptionId(), job.personKeys(), EventId.parse(job.eventId()).orElseThrow(), nowMs);
  }

  /**
   * Walks the due subscriptions, oldest first, and takes from each at most its free slots; the rules
   * (and the bounds) are those of delivery-claim.lua, step for step. New places in the ready set are
   * written after the walk, so the walk sees every due subscription once.
   */
  @Override
  public synchronized Future<List<Claim>> claim(long nowMs, int max, long leaseMs, int perSubscription,
                                                Map<String, Integer> inFlight) {
    Map<String, Integer> taken = new HashMap<>(inFlight);
    Map<String, Boolean> gaveNothing = new LinkedHashMap<>();
    List<Claim> out = new ArrayList<>();
    int budget = CLAIM_SCAN;
    SubscriptionQueues.Entry after = null;
    while (out.size() < max && budget > 0) {
      List<SubscriptionQueues.Entry> page = queues.ready(nowMs, after, 100);
      if (page.isEmpty()) {
        break;
      }
      after = page.get(page.size() - 1);
      for (SubscriptionQueues.Entry e : page) {
        if (out.size() >= max || budget <= 0) {
          break;
        }
        int free = perSubscription - taken.getOrDefault(e.name(), 0);
        if (free > 0) { // else at its limit: passed over without looking at its queue
          int before = out.size();
          budget = visit(e.name(), free, budget - 1, nowMs, leaseMs, max, out);
          taken.merge(e.name(), out.size() - before, Integer::sum);
          gaveNothing.put(e.name(), out.size() == before);
        }
      }
    }
    gaveNothing.forEach((sub, nothing) -> queues.looked(sub, nowMs, nothing));
    return Future.succeededFuture(out);
  }

  /**
   * Claims up to {@code free} of the subscription's due jobs into {@code out}; returns the budget left.
   * Reads the queue a page at a time, no more than it still needs: a claimed job leaves the due part
   * of the queue (it is pushed lease ms ahead) and a superseded one leaves the queue, so the next page
   * starts after the jobs held back (a person on the wire), which stay where they are.
   */
  private int visit(String sub, int free, int budget, long nowMs, long leaseMs, int max, List<Claim> out) {
    int got = 0;
    int looked = 0;
    int stayed = 0;
    int limit = Math.max(0, Math.min(CLAIM_SCAN_PER_SUBSCRIPTION, budget));
    while (got < free && out.size() < max && looked < limit) {
      // as many as still wanted, more once jobs are held back (pages grow, so a long held run costs few reads)
      List<String> page = queues.due(sub, nowMs, stayed, Math.min(Math.max(free - got, stayed), limit - looked));
      if (page.isEmpty()) {
        break;
      }
      for (String jobId : page) {
        if (got >= free || out.size() >= max) {
          break;
        }
        looked++;
        budget--;
        Taken t = claimOne(jobId, nowMs, leaseMs);
        if (t.claim() != null) {
          out.add(t.claim());
          got++;
        }
        if (t.stays()) {
          stayed++;
        }
      }
    }
    return budget;
  }

  /** What became of one due job: claimed (or null), and whether it is still in the due part of its queue. */
  private record Taken(Claim claim, boolean stays) { }

  private Taken claimOne(String jobId, long nowMs, long leaseMs) {
    QueuedDelivery job = jobs.get(jobId);
    Set<String> live = live(job);
    if (live.isEmpty()) {
      remove(job); // every person in it has a newer state queued or delivered: superseded
      return new Taken(null, false);
    }
    for (String p : live) {
      Hold h = busy.get(job.subscriptionId() + "|" + p);
      if (h != null && h.untilMs() > nowMs && !h.jobId().equals(job.id())) {
        return new Taken(null, true); // an older attempt for this person is still on the wire
      }
    }
    live.forEach(p -> busy.put(job.subscriptionId() + "|" + p, new Hold(nowMs + leaseMs, job.id())));
    QueuedDelivery counted = withAttempts(job, job.attempts() + 1);
    jobs.put(job.id(), counted);
    queues.schedule(job.subscriptionId(), job.id(), nowMs + leaseMs);
    return new Taken(new Claim(counted, live, counted.attempts()), leaseMs <= 0);
  }

  private Set<String> live(QueuedDelivery job) {
    EventId id = EventId.parse(job.eventId()).orElseThrow();
    Set<String> live = new HashSet<>();
    job.personKeys().stream().filter(p -> newest.isNewest(job.subscriptionId(), p, id)).forEach(live::add);
    return live;
  }

  @Override
  public synchronized Future<Void> complete(Claim claim) {
    finish(claim);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> retry(Claim claim, long dueAtMs) {
    release(claim);
    newest.touch(claim.job().subscriptionId(), System.currentTimeMillis());
    if (jobs.containsKey(claim.job().id())) {
      queues.schedule(claim.job().subscriptionId(), claim.job().id(), dueAtMs);
    }
    return Future.succeededFuture();
  }

  /**
   * As delivery-handback.lua: unless another claim counted an attempt since (this claim's lease ran
   * out), the people are released and the job goes back into its subscription's queue due now with
   * the attempt taken back; the subscription is ready now. The newest-event marks are not touched: the
   * next claim drops the job, or some of its people, if a newer event superseded it meanwhile.
   */
  @Override
  public synchronized Future<Void> handBack(Claim claim, long nowMs) {
    QueuedDelivery job = jobs.get(claim.job().id());
    if (job != null && job.attempts() != claim.attempt()) {
      return Future.succeededFuture(); // the job is another claim's now
    }
    release(claim);
    if (job != null) {
      jobs.put(job.id(), withAttempts(job, Math.max(0, job.attempts() - 1)));
      queues.schedule(job.subscriptionId(), job.id(), nowMs);
      newest.touch(job.subscriptionId(), System.currentTimeMillis());
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> deadLetter(Claim claim, String reason, long nowMs) {
    QueuedDelivery job = claim.job();
    LinkedHashMap<String, JsonObject> letters = dead.computeIfAbsent(job.subscriptionId(), k -> new LinkedHashMap<>());
    letters.put(job.id(), deadLetterJson(job, reason, nowMs));
    if (letters.size() > MAX_DEAD_LETTERS) {
      Iterator<String> it = letters.keySet().iterator();
      it.next();
      it.remove();
    }
    finish(claim);
    return Future.succeededFuture();
  }

  /** The same shape as the Redis store's dead letters. */
  static JsonObject deadLetterJson(QueuedDelivery job, String reason, long nowMs) {
    return new JsonObject().put("id", job.id()).put("subscriptionId", job.subscriptionId()).put("eventId", job.eventId())
        .put("keys", new JsonArray(new ArrayList<>(job.personKeys()))).put("payload", job.payload())
        .put("attempts", job.attempts()).put("reason", reason).put("deadAtMs", nowMs);
  }

  /**
   * The job ends: it goes and its people are released. The newest-event marks stay: an older event
   * queued later (a replay) must still find that a newer state was delivered.
   */
  private void finish(Claim claim) {
    release(claim);
    newest.touch(claim.job().subscriptionId(), System.currentTimeMillis());
    QueuedDelivery job = jobs.get(claim.job().id());
    if (job != null) {
      remove(job);
    }
  }

  private void release(Claim claim) {
    String sub = claim.job().subscriptionId();
    claim.livePersonKeys().forEach(p -> busy.computeIfPresent(sub + "|" + p,
        (k, h) -> h.jobId().equals(claim.job().id()) ? null : h));
  }

  private void remove(QueuedDelivery job) {
    jobs.remove(job.id());
    queues.remove(job.subscriptionId(), job.id());
  }

  @Override
  public synchronized Future<List<JsonObject>> deadLetters(String subscriptionId, int max) {
    return Future.succeededFuture(dead.getOrDefault(subscriptionId, new LinkedHashMap<>()).values().stream()
        .limit(max).map(JsonObject::copy).toList());
  }

  @Override
  public synchronized Future<Replay> replayDeadLetters(String subscriptionId, long nowMs) {
    LinkedHashMap<String, JsonObject> letters = dead.remove(subscriptionId);
    if (letters == null) {
      return Future.succeededFuture(new Replay(0, 0));
    }
    int queued = 0;
    for (JsonObject d : letters.values()) {
      List<String> keys = d.getJsonArray("keys").stream().map(String::valueOf).toList();
      QueuedDelivery job = QueuedDelivery.fresh(subscriptionId, d.getString("eventId"), keys, d.getString("payload"));
      if (jobs.containsKey(job.id())) {
        queued++;
      } else if (newest.mayReplay(subscriptionId, keys, EventId.parse(job.eventId()).orElseThrow(), nowMs)) {
        add(job, nowMs);
        queued++;
      }
    }
    return Future.succeededFuture(new Replay(queued, letters.size() - queued));
  }

  @Override
  public synchronized Future<Void> dropSubscription(String subscriptionId) {
    queues.drop(subscriptionId).forEach(jobs::remove);
    newest.drop(subscriptionId);
    busy.keySet().removeIf(k -> k.startsWith(subscriptionId + "|"));
    dead.remove(subscriptionId);
    attemptLog.remove(subscriptionId);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Void> recordAttempt(String subscriptionId, JsonObject attempt) {
    ArrayDeque<JsonObject> log = attemptLog.computeIfAbsent(subscriptionId, k -> new ArrayDeque<>());
    log.addFirst(attempt.copy());
    while (log.size() > ATTEMPT_LOG) {
      log.removeLast();
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<JsonObject>> attempts(String subscriptionId, int max) {
    return Future.succeededFuture(attemptLog.getOrDefault(subscriptionId, new ArrayDeque<>()).stream()
        .limit(max).map(JsonObject::copy).toList());
  }

  @Override
  public synchronized Future<Integer> pending() {
    return Future.succeededFuture(jobs.size());
  }

  private static QueuedDelivery withAttempts(QueuedDelivery j, int attempts) {
    return new QueuedDelivery(j.id(), j.subscriptionId(), j.eventId(), j.personKeys(), j.payload(), attempts);
  }
}
