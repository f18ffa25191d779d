package io.presencegateway.poll;

import io.presencegateway.event.EventId;
import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.event.StatusMessages;
import io.presencegateway.event.Timestamps;
import io.presencegateway.simulator.SimulatedPages;
import io.vertx.core.buffer.Buffer;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shared input of every benchmark: one poll cycle of a 1,000-person simulated org in which 1 %
 * of the people changed status since the previous cycle. It holds what the gateway has at hand at
 * each step of the cycle. Built once per JMH trial; the benchmarks only read it.
 *
 * @param orgId    the simulated org
 * @param page     this cycle's {@code GET /people} page as received (shared: never write to it)
 * @param stored   what the store held before this cycle, keyed as the store keys it
 * @param observed the page parsed
 * @param messages stored status messages (for every tenth person)
 * @param event    the one event the store appends for this cycle's {@value #CHANGED} changes, which
 *                 every channel then serialises, frames and signs
 */
public record PollCycle(String orgId, Buffer page, Map<String, PersonState> stored, Observation observed,
                        StatusMessages messages, PresenceEvent event) {
  public static final int PEOPLE = 1_000;
  public static final int CHANGED = PEOPLE / 100;
  private static final long SEED = 20250815L;
  private static final Instant PREVIOUS_POLL = Instant.parse("2025-08-15T16:42:26.315Z");
  private static final Instant THIS_POLL = PREVIOUS_POLL.plusSeconds(3);

  public static PollCycle create() {
    SimulatedPages pages = SimulatedPages.generate(PEOPLE, CHANGED, SEED, PREVIOUS_POLL);
    Buffer page = Buffer.buffer(pages.after());
    Observation observed = observe(page);
    StatusMessages messages = statusMessages(observed);
    Map<String, PersonState> stored = storedAfter(observe(Buffer.buffer(pages.before())), messages);
    PresenceDiff.Result diff = PresenceDiff.compute(stored, observed, messages);
    if (diff.changes().size() != CHANGED || !diff.baselines().isEmpty() || !diff.removed().isEmpty()) {
      // the ratios are only worth reading if the input is the cycle described above
      throw new IllegalStateException("expected " + CHANGED + " changes and nothing else, got " + diff);
    }
    return new PollCycle(pages.orgId(), page, stored, observed, messages, eventOf(pages.orgId(), diff));
  }

  /** One page as {@link WebexClient} reads it: {@link PersonParser#page} on the bytes received. */
  public static Observation observe(Buffer page) {
    try {
      return new Observation(PersonParser.page(page).people(), Set.of(), true);
    } catch (PersonParser.UnreadableBody e) {
      throw new IllegalStateException("the simulated page does not parse: " + e.getMessage(), e);
    }
  }

  /** Status messages stored for every tenth person, as users set them through the API. */
  private static StatusMessages statusMessages(Observation observed) {
    Map<String, Map<String, String>> byPerson = new HashMap<>();
    List<ObservedPerson> people = observed.people();
    for (int i = 0; i < people.size(); i += 10) {
      byPerson.put(PersonIds.key(people.get(i).id()), Map.of("DoNotDisturb", "Focus time, back at 3",
          "meeting", "In the weekly sync", "OutOfOffice", "On leave until Monday"));
    }
    return new StatusMessages(byPerson);
  }

  /** The store after the previous cycle: everyone a baseline, keyed as the store keys them. */
  private static Map<String, PersonState> storedAfter(Observation previous, StatusMessages messages) {
    Map<String, PersonState> states = new HashMap<>();
    for (PersonState s : PresenceDiff.compute(Map.of(), previous, messages).baselines()) {
      states.put(PersonIds.key(s.id()), s);
    }
    return states;
  }

  /** The event the store appends for the changes: one per org, detection time as timestamp. */
  private static PresenceEvent eventOf(String orgId, PresenceDiff.Result diff) {
    List<PersonState> items = diff.changes().stream().map(PresenceDiff.Change::current).toList();
    String id = new EventId(THIS_POLL.toEpochMilli(), 0).toString();
    return new PresenceEvent(id, orgId, Timestamps.format(THIS_POLL), items);
  }
}
