package io.presencegateway.poll;

import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.StatusMessages;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The change rules (PRODUCT.md §3), pure and without Vert.x: given the stored state and what a cycle
 * observed, which people changed, which are seen for the first time, which only need their stored
 * copy refreshed, and which left.
 */
public final class PresenceDiff {

  /** A change of status or status message; {@code previous} is what the store must still hold. */
  public record Change(PersonState previous, PersonState current) { }

  /**
   * @param changes   people whose (status, statusMessage) differ from the stored state: events
   * @param baselines people seen for the first time: stored, never an event
   * @param refreshed same change key, other fields differ (lastActivity, name): stored, no event
   * @param removed   keys of people who left the watch set or the org: dropped once
   */
  public record Result(List<Change> changes, List<PersonState> baselines, List<PersonState> refreshed,
                       Set<String> removed) {
    public boolean isEmpty() {
      return changes.isEmpty() && baselines.isEmpty() && refreshed.isEmpty() && removed.isEmpty();
    }
  }

  private PresenceDiff() {
  }

  public static Result compute(Map<String, PersonState> previous, Observation observation, StatusMessages messages) {
    Running diff = start(previous, messages);
    diff.add(observation.people());
    return diff.finish(observation.gone(), observation.complete());
  }

  /**
   * The same diff, built while the upstream is still being read: {@link Running#add} each batch of
   * people (a page of the org list) in listing order, then {@link Running#finish} once the read
   * succeeded. Nothing of it reaches the store before that. Used by one thread at a time.
   */
  public static Running start(Map<String, PersonState> previous, StatusMessages messages) {
    return new Running(previous, messages);
  }

  /** A diff in the making (see {@link #start}). */
  public static final class Running {
    private final Map<String, PersonState> previous;
    private final StatusMessages messages;
    private final List<Change> changes = new ArrayList<>();
    private final List<PersonState> baselines = new ArrayList<>();
    private final List<PersonState> refreshed = new ArrayList<>();
    private final Set<String> seen;
    private int known; // stored people the listing reported: when it is all of them, nobody left

    private Running(Map<String, PersonState> previous, StatusMessages messages) {
      this.previous = previous;
      this.messages = messages;
      this.seen = new HashSet<>(Math.max(16, previous.size() * 4 / 3 + 1));
    }

    public void add(List<ObservedPerson> people) {
      for (ObservedPerson person : people) {
        add(person);
      }
    }

    private void add(ObservedPerson person) {
      String key = person.key();
      if (!seen.add(key)) {
        return; // a duplicate in the listing: counts once
      }
      PersonState old = previous.get(key);
      if (old != null) {
        known++;
      }
      if (!person.hasStatus()) {
        return; // "no data": never a change
      }
      String message = person.statusMessage() != null ? person.statusMessage() : messages.messageFor(key, person.status());
      if (old != null && unchanged(person, old, message)) {
        return; // most people in most cycles: nothing to store, nothing built
      }
      PersonState now = resolve(person, old, message);
      if (old == null) {
        baselines.add(now);
      } else if (now.changeKeyDiffers(old)) {
        changes.add(new Change(old, now));
      } else if (!now.equals(old)) {
        refreshed.add(now);
      }
    }

    /** @param gone ids the upstream says no longer exist; @param complete see {@link Observation#complete()} */
    public Result finish(Set<String> gone, boolean complete) {
      return new Result(changes, baselines, refreshed, removed(previous, gone, complete, seen, known));
    }
  }

  /** {@code resolve(p, old, message).equals(old)}, without building the new state. */
  private static boolean unchanged(ObservedPerson p, PersonState old, String message) {
    return p.status().equals(old.status()) && message.equals(old.statusMessage()) && p.id().equals(old.id())
        && Objects.equals(p.lastActivity(), old.lastActivity()) && Objects.equals(p.lastModified(), old.lastModified())
        && Objects.equals(p.orgId(), old.orgId())
        && (p.displayName() == null || p.displayName().equals(old.displayName()))
        && (p.email() == null || p.email().equals(old.email()));
  }

  private static PersonState resolve(ObservedPerson p, PersonState old, String message) {
    return new PersonState(p.id(), p.status(), message, p.lastActivity(), p.lastModified(), p.orgId(),
        p.displayName() != null ? p.displayName() : old == null ? null : old.displayName(),
        p.email() != null ? p.email() : old == null ? null : old.email());
  }

  private static Set<String> removed(Map<String, PersonState> previous, Set<String> gone, boolean complete,
                                     Set<String> seen, int known) {
    Set<String> removed = new HashSet<>();
    for (String id : gone) {
      String key = PersonIds.key(id);
      if (previous.containsKey(key)) {
        removed.add(key);
      }
    }
    if (complete && known < previous.size()) {
      // seen holds the key of every person the listing reported, with or without a status
      for (String key : previous.keySet()) {
        if (!seen.contains(key)) {
          removed.add(key);
        }
      }
    }
    return removed;
  }
}
