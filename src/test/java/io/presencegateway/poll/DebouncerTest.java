package io.presencegateway.poll;

import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.StatusMessages;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The flap filter with a 1 s window, driven cycle by cycle through the real diff with a hand-held clock. */
class DebouncerTest {
  private static final String ANA = PersonIds.personId("us", UUID.randomUUID());
  private static final long WINDOW = 1000;

  private final Debouncer debouncer = new Debouncer(WINDOW);
  private final Map<String, PersonState> stored = new HashMap<>(Map.of(PersonIds.key(ANA),
      new PersonState(ANA, "active", "", "2025-08-15T16:00:00.000Z", null, "org", "Ana", "ana@example.com")));

  /** One cycle at {@code nowMs} observing Ana in {@code status}: the changes it emits, stored like the poller does. */
  private List<PresenceDiff.Change> cycle(String status, long nowMs) {
    Observation seen = new Observation(List.of(new ObservedPerson(ANA, status, null, "2025-08-15T16:00:01.000Z", null,
        "org", "Ana", "ana@example.com")), Set.of(), true);
    PresenceDiff.Result diff = PresenceDiff.compute(stored, debouncer.filter(seen, stored, nowMs), new StatusMessages(Map.of()));
    diff.changes().forEach(c -> stored.put(PersonIds.key(ANA), c.current()));
    diff.refreshed().forEach(s -> stored.put(PersonIds.key(ANA), s));
    return diff.changes();
  }

  @Test
  void aStatusThatRevertsInsideTheWindowEmitsNothing() {
    assertThat(cycle("active", 0)).isEmpty();
    assertThat(cycle("call", 100)).isEmpty();
    assertThat(cycle("call", 600)).isEmpty();
    assertThat(cycle("active", 900)).isEmpty();
    for (long t = 1000; t <= 4000; t += 300) {
      assertThat(cycle("active", t)).as("nothing at " + t).isEmpty();
    }
    assertThat(stored.get(PersonIds.key(ANA)).status()).isEqualTo("active");
    assertThat(debouncer.holding()).isZero();
  }

  @Test
  void aChangeThatStaysEmitsOnceLateByAtMostTheWindow() {
    int emitted = 0;
    long firstSeen = 100;
    long emittedAt = -1;
    for (long t = firstSeen; t <= 5000; t += 300) {
      List<PresenceDiff.Change> changes = cycle("call", t);
      if (!changes.isEmpty() && emittedAt < 0) {
        emittedAt = t;
      }
      emitted += changes.size();
    }
    assertThat(emitted).isEqualTo(1);
    assertThat(emittedAt - firstSeen).isBetween(WINDOW, WINDOW + 300);
    assertThat(stored.get(PersonIds.key(ANA)).status()).isEqualTo("call");
  }

  @Test
  void aThirdStatusRestartsTheWindow() {
    assertThat(cycle("call", 0)).isEmpty();
    assertThat(cycle("meeting", 800)).as("call never lasted a window").isEmpty();
    assertThat(cycle("meeting", 1500)).as("meeting seen for 700 ms only").isEmpty();
    assertThat(cycle("meeting", 1800)).extracting(c -> c.current().status()).containsExactly("meeting");
  }

  /** A cycle whose read failed after Ana was filtered leaves the holds as they were: its pass is never committed. */
  @Test
  void aCycleWhoseReadFailedLeavesTheHoldsAsTheyWere() {
    assertThat(cycle("call", 0)).isEmpty();
    Debouncer.Pass failed = debouncer.pass(stored, 600);
    assertThat(failed.filter(List.of(new ObservedPerson(ANA, "meeting", null, null, null, "org", "Ana", null))))
        .extracting(ObservedPerson::status).containsExactly("active");
    // not committed: "call" is still held since 0, so it is released at 1000 as if the failed cycle never ran
    assertThat(cycle("call", 1000)).extracting(c -> c.current().status()).containsExactly("call");
    assertThat(debouncer.holding()).isZero();
  }

  @Test
  void offByDefaultEveryChangeGoesThrough() {
    Debouncer off = new Debouncer(0);
    Observation seen = new Observation(List.of(new ObservedPerson(ANA, "call", null, null, null, "org", null, null)), Set.of(), true);
    assertThat(off.filter(seen, stored, 0)).isSameAs(seen);
  }
}
