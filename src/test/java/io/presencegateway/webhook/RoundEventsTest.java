package io.presencegateway.webhook;

import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static io.presencegateway.webhook.WebhookTestSupport.ORG;
import static io.presencegateway.webhook.WebhookTestSupport.person;
import static io.presencegateway.webhook.WebhookTestSupport.state;
import static org.assertj.core.api.Assertions.assertThat;

/** One claim round's decodes and bodies are shared between jobs only where they are the same bytes. */
class RoundEventsTest {
  private final String a = person();
  private final String b = person();
  private final PresenceEvent event = new PresenceEvent("1700000000000-3", ORG, "2025-08-15T16:42:27.199Z",
      List.of(state(a, "call", "x"), state(b, "meeting", "")));
  private final String both = DeliveryPayload.encode(event, event.items());
  private final String onlyB = DeliveryPayload.encode(event, List.of(event.items().get(1)));

  private static Buffer expected(String eventId, String payload, Set<String> live) {
    return DeliveryPayload.body(DeliveryPayload.decode(eventId, payload), live);
  }

  @Test
  void jobsOfOneEventShareOneBodyOnlyWhenTheirItemsAndLivePeopleAreTheSame() {
    RoundEvents round = new RoundEvents();
    Set<String> liveBoth = Set.of(PersonIds.key(a), PersonIds.key(b));
    Set<String> liveA = Set.of(PersonIds.key(a));

    Buffer first = round.body(event.id(), both, liveBoth);
    assertThat(round.body(event.id(), both, Set.copyOf(liveBoth))).isSameAs(first);
    assertThat(first.getBytes()).isEqualTo(expected(event.id(), both, liveBoth).getBytes());

    Buffer superseded = round.body(event.id(), both, liveA); // b has a newer state at this subscription
    assertThat(superseded.getBytes()).isEqualTo(expected(event.id(), both, liveA).getBytes()).isNotEqualTo(first.getBytes());

    Buffer filtered = round.body(event.id(), onlyB, liveBoth); // another subscription's filter kept b only
    assertThat(filtered.getBytes()).isEqualTo(expected(event.id(), onlyB, liveBoth).getBytes());
    assertThat(round.body(event.id(), onlyB, liveA)).as("nobody live in it").isNull();

    assertThat(round.event(event.id(), both)).isSameAs(round.event(event.id(), both));
    assertThat(round.event(event.id(), onlyB).event().items()).hasSize(1);
  }

  @Test
  void theDetectionTimeIsReadOnceAndAnUnreadableOneCountsAsZero() {
    RoundEvents round = new RoundEvents();
    long detected = java.time.Instant.parse("2025-08-15T16:42:27.199Z").toEpochMilli();
    assertThat(round.event(event.id(), both).sinceDetection(detected + 250)).isEqualTo(Duration.ofMillis(250));
    assertThat(round.event(event.id(), both).sinceDetection(detected - 5)).isEqualTo(Duration.ZERO);

    PresenceEvent odd = new PresenceEvent("1-0", ORG, "not a time", List.of(state(a, "call", "")));
    String payload = DeliveryPayload.encode(odd, odd.items());
    assertThat(round.event(odd.id(), payload).sinceDetection(System.currentTimeMillis())).isEqualTo(Duration.ZERO);
  }
}
