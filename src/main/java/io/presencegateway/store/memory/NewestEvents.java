package io.presencegateway.store.memory;

import io.presencegateway.event.EventId;
import io.presencegateway.store.DeliveryStore;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Per (subscription, person) the newest event id queued or delivered: the high-water mark "latest
 * state wins" is checked against (the Redis store's {@code {pg}:latest:<sub>}). A mark only moves
 * forward and outlives the job that set it, so an older event queued later is superseded. A
 * subscription's marks go when it is dropped, or {@link DeliveryStore#MARK_TTL} after its last write
 * once it has no jobs. Not thread-safe: its owner synchronizes.
 */
final class NewestEvents {

  private static final class Marks {
    final Map<String, EventId> newest = new HashMap<>();
    long writtenMs;
  }

  private final Map<String, Marks> bySubscription = new HashMap<>();

  /** The event is queued for these people: their marks move up to it (never back). */
  void raise(String sub, List<String> people, EventId id, long nowMs) {
    Marks m = bySubscription.computeIfAbsent(sub, k -> new Marks());
    people.forEach(p -> m.newest.merge(p, id, (a, b) -> a.compareTo(b) >= 0 ? a : b));
    m.writtenMs = nowMs;
  }

  boolean isNewest(String sub, String person, EventId id) {
    Marks m = bySubscription.get(sub);
    return m != null && id.equals(m.newest.get(person));
  }

  /**
   * Whether a replayed event can still go to one of these people: their mark is not newer, or they
   * have none and the event is recent enough that a newer delivery would have left one.
   */
  boolean mayReplay(String sub, List<String> people, EventId id, long nowMs) {
    Marks m = bySubscription.get(sub);
    for (String p : people) {
      EventId newest = m == null ? null : m.newest.get(p);
      if (newest != null ? newest.compareTo(id) <= 0 : id.millis() >= nowMs - DeliveryStore.MARK_TTL.toMillis()) {
        return true;
      }
    }
    return false;
  }

  /** Queue activity of the subscription keeps its marks (Redis: the hash's TTL is renewed). */
  void touch(String sub, long nowMs) {
    Marks m = bySubscription.get(sub);
    if (m != null) {
      m.writtenMs = nowMs;
    }
  }

  void expire(long nowMs, Predicate<String> hasJobs) {
    bySubscription.entrySet().removeIf(e ->
        nowMs - e.getValue().writtenMs >= DeliveryStore.MARK_TTL.toMillis() && !hasJobs.test(e.getKey()));
  }

  void drop(String sub) {
    bySubscription.remove(sub);
  }
}
