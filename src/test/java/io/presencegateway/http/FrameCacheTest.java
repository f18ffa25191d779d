package io.presencegateway.http;

import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.event.PresenceFilter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Fan-out cost: the wire form is rendered once per event and filter and shared by every client. */
class FrameCacheTest {
  private static final PersonState ANN = new PersonState("ann", "call", "", null, null, "org", null, null);
  private static final PersonState BOB = new PersonState("bob", "meeting", "", null, null, "org", null, null);

  private final AtomicInteger renders = new AtomicInteger();
  private final FrameCache<String> cache = new FrameCache<>((event, envelope) -> {
    renders.incrementAndGet();
    return event.id() + " " + envelope;
  });

  @Test
  void oneRenderPerEventAndFilterWhateverTheNumberOfClients() {
    PresenceEvent event = new PresenceEvent("1-0", "org", "2025-08-15T16:42:29.315Z", List.of(ANN, BOB));
    String first = null;
    for (int client = 0; client < 1000; client++) {
      // each connection holds its own key for an equal filter, as the channels do
      String wire = cache.get(event, new FrameCache.Key(PresenceFilter.ALL));
      first = first == null ? wire : first;
      assertThat(wire).isSameAs(first);
    }
    assertThat(renders).hasValue(1);

    FrameCache.Key onlyCalls = new FrameCache.Key(PresenceFilter.of(List.of(), List.of("call")));
    String filtered = cache.get(event, onlyCalls);
    assertThat(cache.get(event, new FrameCache.Key(PresenceFilter.of(List.of(), List.of("call"))))).isSameAs(filtered);
    assertThat(filtered).contains("\"call\"").doesNotContain("\"meeting\"");
    assertThat(renders).hasValue(2);
  }

  @Test
  void aFilterThatKeepsNothingRendersNothing() {
    PresenceEvent event = new PresenceEvent("2-0", "org", "2025-08-15T16:42:29.315Z", List.of(ANN));
    FrameCache.Key onlyOof = new FrameCache.Key(PresenceFilter.of(List.of(), List.of("OutOfOffice")));
    assertThat(cache.get(event, onlyOof)).isNull();
    assertThat(cache.get(event, onlyOof)).isNull();
    assertThat(renders).hasValue(0);
  }

  @Test
  void newEventsRenderAgainAndOldOnesAreForgotten() {
    FrameCache.Key all = new FrameCache.Key(PresenceFilter.ALL);
    for (int i = 0; i < 20; i++) {
      cache.get(new PresenceEvent(i + "-0", "org", "2025-08-15T16:42:29.315Z", List.of(ANN)), all);
    }
    assertThat(renders).hasValue(20);
    // a late client of an old event (a resume) renders it again instead of the cache growing without end
    cache.get(new PresenceEvent("0-0", "org", "2025-08-15T16:42:29.315Z", List.of(ANN)), all);
    assertThat(renders).hasValue(21);
  }
}
