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
import java.util.TreeSet;

/**
 * The delivery queue in process memory, with the same rules as the Redis one (see
 * {@link DeliveryStore}) but not durable. Every method is synchronized: lanes of several contexts
 * and the API use it.
 */
public final class MemoryDeliveryStore implements DeliveryStore {
  /** Due jobs looked at by one claim, so a claim stays cheap behind a backlog of a busy subscription. */
  static final int CLAIM_SCAN = 1000;
  static final int ATTEMPT_LOG = 100;
  static final int MAX_DEAD_LETTERS = 10_000;

  private record Due(long atMs, String id) implements Comparable<Due> {
    @Override
    public int compareTo(Due o) {
      int c = Long.compare(atMs, o.atMs);
      return c != 0 ? c : id.compareTo(o.id);
    }
  }

  private record Hold(long untilMs, String jobId) { }

  private final Map<String, QueuedDelivery> jobs = new HashMap<>();
  private final Map<String, Due> dueOf = new HashMap<>();
  private final TreeSet<Due> due = new TreeSet<>();
  /** subscription → person key → newest event id with a job. */
  private final Map<String, Map<String, EventId>> latest = new HashMap<>();
  /** "subscription|person" → the claim holding that person. */
  private final Map<String, Hold> busy = new HashMap<>();
  private final Map<String, LinkedHashMap<String, JsonObject>> dead = new HashMap<>();
  private final Map<String, ArrayDeque<JsonObject>> attemptLog = new HashMap<>();

  @Override
  public synchronized Future<Void> enqueue(List<QueuedDelivery> newJobs) {
    long now = System.currentTimeMillis();
    for (QueuedDelivery job : newJobs) {
      if (!jobs.containsKey(job.id())) {
        add(job, now);
      }
    }
    return Future.succeededFuture();
  }

  private void add(QueuedDelivery job, long dueAtMs) {
    jobs.put(job.id(), job);
    schedule(job.id(), dueAtMs);
    EventId id = EventId.parse(job.eventId()).orElseThrow();
    Map<String, EventId> people = latest.computeIfAbsent(job.subscriptionId(), k -> new HashMap<>());
    job.personKeys().forEach(p -> people.merge(p, id, (a, b) -> a.compareTo(b) >= 0 ? a : b));
  }

  private void schedule(String jobId, long atMs) {
    Due previous = dueOf.remove(jobId);
    if (previous != null) {
      due.remove(previous);
    }
    Due d = new Due(atMs, jobId);
    dueOf.put(jobId, d);
    due.add(d);
  }

  @Override
  public synchronized Future<List<Claim>> claim(long nowMs, int max, long leaseMs, int perSubscription,
                                                Map<String, Integer> inFlight) {
    Map<String, Integer> taken = new HashMap<>(inFlight);
    List<Claim> out = new ArrayList<>();
    List<Due> candidates = new ArrayList<>();
    for (Due d : due) {
      if (d.atMs() > nowMs || candidates.size() >= CLAIM_SCAN) {
        break;
      }
      candidates.add(d);
    }
    for (Due d : candidates) {
      if (out.size() >= max) {
        break;
      }
      QueuedDelivery job = jobs.get(d.id());
      if (taken.getOrDefault(job.subscriptionId(), 0) < perSubscription) {
        claimOne(job, nowMs, leaseMs).ifPresent(c -> {
          out.add(c);
          taken.merge(job.subscriptionId(), 1, Integer::sum);
        });
      }
    }
    return Future.succeededFuture(out);
  }

  private java.util.Optional<Claim> claimOne(QueuedDelivery job, long nowMs, long leaseMs) {
    Set<String> live = live(job);
    if (live.isEmpty()) {
      remove(job.id()); // every person in it has a newer state queued: superseded
      return java.util.Optional.empty();
    }
    for (String p : live) {
      Hold h = busy.get(job.subscriptionId() + "|" + p);
      if (h != null && h.untilMs() > nowMs && !h.jobId().equals(job.id())) {
        return java.util.Optional.empty(); // an older attempt for this person is still on the wire
      }
    }
    live.forEach(p -> busy.put(job.subscriptionId() + "|" + p, new Hold(nowMs + leaseMs, job.id())));
    QueuedDelivery counted = withAttempts(job, job.attempts() + 1);
    jobs.put(job.id(), counted);
    schedule(job.id(), nowMs + leaseMs);
    return java.util.Optional.of(new Claim(counted, live, counted.attempts()));
  }

  private Set<String> live(QueuedDelivery job) {
    EventId id = EventId.parse(job.eventId()).orElseThrow();
    Map<String, EventId> people = latest.getOrDefault(job.subscriptionId(), Map.of());
    Set<String> live = new HashSet<>();
    job.personKeys().stream().filter(p -> id.equals(people.get(p))).forEach(live::add);
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
    if (jobs.containsKey(claim.job().id())) {
      schedule(claim.job().id(), dueAtMs);
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

  /** The job ends: it goes, its people are released, and their newest-state record goes with it. */
  private void finish(Claim claim) {
    release(claim);
    QueuedDelivery job = claim.job();
    Map<String, EventId> people = latest.get(job.subscriptionId());
    EventId id = EventId.parse(job.eventId()).orElseThrow();
    if (people != null) {
      claim.livePersonKeys().forEach(p -> people.remove(p, id));
      if (people.isEmpty()) {
        latest.remove(job.subscriptionId());
      }
    }
    remove(job.id());
  }

  private void release(Claim claim) {
    String sub = claim.job().subscriptionId();
    claim.livePersonKeys().forEach(p -> busy.computeIfPresent(sub + "|" + p,
        (k, h) -> h.jobId().equals(claim.job().id()) ? null : h));
  }

  private void remove(String jobId) {
    jobs.remove(jobId);
    Due d = dueOf.remove(jobId);
    if (d != null) {
      due.remove(d);
    }
  }

  @Override
  public synchronized Future<List<JsonObject>> deadLetters(String subscriptionId, int max) {
    return Future.succeededFuture(dead.getOrDefault(subscriptionId, new LinkedHashMap<>()).values().stream()
        .limit(max).map(JsonObject::copy).toList());
  }

  @Override
  public synchronized Future<Integer> replayDeadLetters(String subscriptionId, long nowMs) {
    LinkedHashMap<String, JsonObject> letters = dead.remove(subscriptionId);
    if (letters == null) {
      return Future.succeededFuture(0);
    }
    for (JsonObject d : letters.values()) {
      List<String> keys = d.getJsonArray("keys").stream().map(String::valueOf).toList();
      QueuedDelivery job = QueuedDelivery.fresh(subscriptionId, d.getString("eventId"), keys, d.getString("payload"));
      if (!jobs.containsKey(job.id())) {
        add(job, nowMs);
      }
    }
    return Future.succeededFuture(letters.size());
  }

  @Override
  public synchronized Future<Void> dropSubscription(String subscriptionId) {
    String prefix = subscriptionId + "/";
    new ArrayList<>(jobs.keySet()).stream().filter(id -> id.startsWith(prefix)).forEach(this::remove);
    latest.remove(subscriptionId);
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
