package io.presencegateway.event;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdTest {
  @Test
  void parsesOnlyWellFormedIds() {
    assertThat(EventId.parse("1723740149315-0")).contains(new EventId(1723740149315L, 0));
    assertThat(EventId.parse("garbage")).isEmpty();
    assertThat(EventId.parse("-1-0")).isEmpty();
    assertThat(EventId.parse("12-")).isEmpty();
    assertThat(EventId.parse(null)).isEmpty();
    assertThat(EventId.parse("99999999999999999999999-0")).isEmpty();
  }

  @Test
  void nextNeverGoesBackwardsEvenWhenTheClockDoes() {
    EventId first = EventId.next(null, 1000);
    EventId sameMs = EventId.next(first, 1000);
    EventId clockBack = EventId.next(sameMs, 900);
    assertThat(sameMs).isGreaterThan(first);
    assertThat(clockBack).isGreaterThan(sameMs);
    assertThat(EventId.next(clockBack, 2000)).isEqualTo(new EventId(2000, 0));
  }
}
