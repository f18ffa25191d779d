package io.presencegateway.webhook;

import io.presencegateway.event.PresenceEvent;
import io.presencegateway.event.PresenceFilter;
import io.presencegateway.store.QueuedDelivery;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import static io.presencegateway.webhook.WebhookTestSupport.ORG;
import static io.presencegateway.webhook.WebhookTestSupport.person;
import static io.presencegateway.webhook.WebhookTestSupport.state;
import static org.assertj.core.api.Assertions.assertThat;

/** The jobs of one event for many receivers are exactly those made one receiver at a time. */
class SubscriptionJobsTest {

  private static Receiver receiver(String id, PresenceFilter filter) {
    return new Receiver(id, URI.create("https://example.com/" + id), WebhookSigner.of(WebhookSigner.generateSecret()), filter);
  }

  @Test
  void manyReceiversGetTheSameJobsAsOneAtATimeAndThoseTakingEveryoneShareOnePayload() {
    String a = person();
    String b = person();
    PresenceEvent event = new PresenceEvent("1700000000000-7", ORG, "2025-08-15T16:42:27.199Z",
        List.of(state(a, "call", "x"), state(b, "DoNotDisturb", "")));
    List<Receiver> receivers = List.of(
        receiver("all-1", PresenceFilter.ALL),
        receiver("only-a", PresenceFilter.of(List.of(a), List.of())),
        receiver("dnd", PresenceFilter.of(List.of(), List.of("DoNotDisturb"))),
        receiver("nobody", PresenceFilter.of(List.of(person()), List.of())),
        receiver("both-by-id", PresenceFilter.of(List.of(a, b), List.of())),
        receiver("all-2", PresenceFilter.ALL));

    List<QueuedDelivery> together = SubscriptionJobs.jobsFor(receivers, event);
    List<QueuedDelivery> oneByOne = new ArrayList<>();
    receivers.forEach(r -> SubscriptionJobs.jobFor(r, event).ifPresent(oneByOne::add));

    assertThat(together).isEqualTo(oneByOne);
    assertThat(together).extracting(QueuedDelivery::subscriptionId).containsExactly("all-1", "only-a", "dnd", "both-by-id", "all-2");
    assertThat(together.get(4).payload()).as("shared by the receivers taking everyone").isSameAs(together.get(0).payload());
    assertThat(together.get(3).payload()).isSameAs(together.get(0).payload());
    assertThat(together.get(1).personKeys()).hasSize(1);
  }
}
