package io.presencegateway.poll;

import io.presencegateway.event.PersonState;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The opt-in flap filter ({@code POLL_DEBOUNCE_MS}): a new status is held back (the stored one is
 * reported in its place) until it has been observed for the whole window; a status that reverts
 * inside the window was never released, so it makes no event. A lasting change is released by the
 * first cycle after the window, so it is late by at most the window plus one interval. Pure apart
 * from the clock passed in; owned by the poller's event loop.
 */
final class Debouncer {
  private record Pending(String status, long since) { }

  private final long windowMs;
  private final Map<String, Pending> pending = new HashMap<>();

  Debouncer(long windowMs) {
    this.windowMs = windowMs;
  }

  boolean enabled() {
    return windowMs > 0;
  }

  /** Held people pending (for tests and logs). */
  int holding() {
    return pending.size();
  }

  Observation filter(Observation observation, Map<String, PersonState> stored, long nowMs) {
    if (!enabled()) {
      return observation;
    }
    Pass pass = pass(stored, nowMs);
    List<ObservedPerson> out = pass.filter(observation.people());
    pass.commit(observation.complete());
    return new Observation(out, observation.gone(), observation.complete());
  }

  /** One cycle's filtering, batch by batch as the upstream is read; see {@link Pass}. */
  Pass pass(Map<String, PersonState> stored, long nowMs) {
    return new Pass(stored, nowMs);
  }

  /**
   * One cycle: {@link #filter} each batch of people in listing order, then {@link #commit} once the
   * read succeeded. What the cycle would hold or release is kept aside until then, so that a cycle
   * whose read failed leaves the filter as it found it. Used by one thread at a time.
   */
  final class Pass {
    private final Map<String, PersonState> stored;
    private final long nowMs;
    /** Key → the pending hold after this cycle, or null for none: applied by {@link #commit}. */
    private final Map<String, Pending> updates = new HashMap<>();
    private final Set<String> seen = new HashSet<>();

    private Pass(Map<String, PersonState> stored, long nowMs) {
      this.stored = stored;
      this.nowMs = nowMs;
    }

    List<ObservedPerson> filter(List<ObservedPerson> people) {
      if (!enabled()) {
        return people;
      }
      List<ObservedPerson> out = new ArrayList<>(people.size());
      for (ObservedPerson person : people) {
        seen.add(person.key());
        out.add(filtered(person.key(), person, stored.get(person.key())));
      }
      return out;
    }

    void commit(boolean complete) {
      if (!enabled()) {
        return;
      }
      updates.forEach((key, hold) -> {
        if (hold == null) {
          pending.remove(key);
        } else {
          pending.put(key, hold);
        }
      });
      if (complete) {
        pending.keySet().retainAll(seen);
      }
    }

    private ObservedPerson filtered(String key, ObservedPerson person, PersonState stored) {
      if (stored == null || !person.hasStatus() || person.status().equals(stored.status())) {
        release(key); // first sight, no data, or back to (or still at) the stored status
        return person;
      }
      Pending held = updates.containsKey(key) ? updates.get(key) : pending.get(key);
      if (held == null || !held.status().equals(person.status())) {
        updates.put(key, new Pending(person.status(), nowMs));
        return heldBack(person, stored);
      }
      if (nowMs - held.since() >= windowMs) {
        release(key);
        return person;
      }
      return heldBack(person, stored);
    }

    private void release(String key) {
      if (updates.containsKey(key) || pending.containsKey(key)) {
        updates.put(key, null);
      }
    }
  }

  /** The person as observed, but with the stored status, so that the diff sees no change yet. */
  private static ObservedPerson heldBack(ObservedPerson p, PersonState stored) {
    return new ObservedPerson(p.id(), stored.status(), p.statusMessage() == null ? null : stored.statusMessage(),
        stored.lastActivity(), stored.lastModified(), p.orgId(), p.displayName(), p.email(), p.key());
  }
}
