package io.presencegateway.webhook;

import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.store.QueuedDelivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Turns events into queued deliveries for one receiver: its people only, none when it wants none. */
public final class SubscriptionJobs {
  private SubscriptionJobs() {
  }

  public static Optional<QueuedDelivery> jobFor(Receiver receiver, PresenceEvent event) {
    List<PersonState> items = event.items().stream().filter(receiver.filter()).toList();
    if (items.isEmpty()) {
      return Optional.empty();
    }
    List<String> keys = items.stream().map(i -> PersonIds.key(i.id())).distinct().toList();
    return Optional.of(QueuedDelivery.fresh(receiver.id(), event.id(), keys, DeliveryPayload.encode(event, items)));
  }

  /** For a replay: the events in log order. */
  public static List<QueuedDelivery> forEvents(Receiver receiver, List<PresenceEvent> events) {
    List<QueuedDelivery> out = new ArrayList<>();
    events.forEach(e -> jobFor(receiver, e).ifPresent(out::add));
    return out;
  }
}
