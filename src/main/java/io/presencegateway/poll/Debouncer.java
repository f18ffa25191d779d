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
    List<ObservedPerson> out = new ArrayList<>(observation.people().size());
    Set<String> seen = new HashSet<>();
    for (ObservedPerson person : observation.people()) {
      String key = person.key();
      seen.add(key);
      out.add(filtered(key, person, stored.get(key), nowMs));
    }
    if (observation.complete()) {
      pending.keySet().retainAll(seen);
    }
    return new Observation(out, observation.gone(), observation.complete());
  }

  private ObservedPerson filtered(String key, ObservedPerson person, PersonState stored, long nowMs) {
    if (stored == null || !person.hasStatus() || person.status().equals(stored.status())) {
      pending.remove(key); // first sight, no data, or back to (or still at) the stored status
      return person;
    }
    Pending held = pending.get(key);
    if (held == null || !held.status().equals(person.status())) {
      pending.put(key, new Pending(person.status(), nowMs));
      return heldBack(person, stored);
    }
    if (nowMs - held.since() >= windowMs) {
      pending.remove(key);
      return person;
    }
    return heldBack(person, stored);
  }

  /** The person as observed, but with the stored status, so that the diff sees no change yet. */
  private static ObservedPerson heldBack(ObservedPerson p, PersonState stored) {
    return new ObservedPerson(p.id(), stored.status(), p.statusMessage() == null ? null : stored.statusMessage(),
        stored.lastActivity(), stored.lastModified(), p.orgId(), p.displayName(), p.email(), p.key());
  }
}
