package io.presencegateway.store.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The memory store's job queues: one per subscription (job ids by due time) and the ready set of
 * the subscriptions that have jobs, by when to look at them next (the Redis store's
 * {@code {pg}:due:<sub>} and {@code {pg}:ready}). Not thread-safe: its owner synchronizes.
 */
final class SubscriptionQueues {

  /** A time and a name, ordered by time then name (Redis orders equal scores by member the same way). */
  record Entry(long atMs, String name) implements Comparable<Entry> {
    @Override
    public int compareTo(Entry o) {
      int c = Long.compare(atMs, o.atMs);
      return c != 0 ? c : name.compareTo(o.name);
    }
  }

  private final Map<String, TreeSet<Entry>> queues = new HashMap<>();
  private final Map<String, Entry> jobEntry = new HashMap<>();
  private final TreeSet<Entry> ready = new TreeSet<>();
  private final Map<String, Entry> readyEntry = new HashMap<>();

  /** Puts the job (back) at {@code atMs}; its subscription is ready by then at the latest. */
  void schedule(String sub, String jobId, long atMs) {
    TreeSet<Entry> queue = queues.computeIfAbsent(sub, k -> new TreeSet<>());
    Entry previous = jobEntry.remove(jobId);
    if (previous != null) {
      queue.remove(previous);
    }
    Entry e = new Entry(atMs, jobId);
    jobEntry.put(jobId, e);
    queue.add(e);
    Entry r = readyEntry.get(sub);
    if (r == null || r.atMs() > atMs) {
      readyAt(sub, atMs);
    }
  }

  /** Takes the job out; a subscription left without jobs leaves the ready set. */
  void remove(String sub, String jobId) {
    Entry e = jobEntry.remove(jobId);
    TreeSet<Entry> queue = queues.get(sub);
    if (e == null || queue == null) {
      return;
    }
    queue.remove(e);
    if (queue.isEmpty()) {
      queues.remove(sub);
      notReady(sub);
    }
  }

  /**
   * Job ids of the subscription due at {@code nowMs}, oldest first, after skipping the first
   * {@code skip} of them, at most {@code limit} (Redis: {@code ZRANGEBYSCORE ... LIMIT skip limit}).
   */
  List<String> due(String sub, long nowMs, int skip, int limit) {
    TreeSet<Entry> queue = queues.get(sub);
    if (queue == null || limit <= 0) {
      return List.of();
    }
    List<String> out = new ArrayList<>(Math.min(limit, 16));
    int skipped = 0;
    for (Entry e : queue) {
      if (e.atMs() > nowMs || out.size() >= limit) {
        break;
      }
      if (skipped < skip) {
        skipped++;
      } else {
        out.add(e.name());
      }
    }
    return out;
  }

  /**
   * Subscriptions to look at by {@code nowMs}, in order, after {@code after} (null: from the start),
   * at most {@code limit}. Paging by the last entry seen stays right while the caller removes
   * subscriptions it has passed.
   */
  List<Entry> ready(long nowMs, Entry after, int limit) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : after == null ? ready : ready.tailSet(after, false)) {
      if (e.atMs() > nowMs || out.size() >= limit) {
        break;
      }
      out.add(e);
    }
    return out;
  }

  /**
   * After a claim looked at the subscription: it is next looked at when its first job is due, or,
   * when it gave nothing although its head is due ({@code gaveNothing}), behind every subscription
   * due now.
   */
  void looked(String sub, long nowMs, boolean gaveNothing) {
    TreeSet<Entry> queue = queues.get(sub);
    if (queue == null || queue.isEmpty()) {
      notReady(sub);
      return;
    }
    long first = queue.first().atMs();
    readyAt(sub, gaveNothing && first <= nowMs ? nowMs + 1 : first);
  }

  /** Forgets the subscription's queue; returns its job ids. */
  List<String> drop(String sub) {
    TreeSet<Entry> queue = queues.remove(sub);
    notReady(sub);
    List<String> ids = new ArrayList<>();
    if (queue != null) {
      queue.forEach(e -> {
        jobEntry.remove(e.name());
        ids.add(e.name());
      });
    }
    return ids;
  }

  boolean hasJobs(String sub) {
    return queues.containsKey(sub);
  }

  private void readyAt(String sub, long atMs) {
    notReady(sub);
    Entry r = new Entry(atMs, sub);
    readyEntry.put(sub, r);
    ready.add(r);
  }

  private void notReady(String sub) {
    Entry r = readyEntry.remove(sub);
    if (r != null) {
      ready.remove(r);
    }
  }
}
