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
    return Optional.of(QueuedDelivery.fresh(receiver.id(), event.id(), keys(items), DeliveryPayload.encode(event, items)));
  }

  /**
   * The jobs of one event for each of these receivers that wants some of its people, in the
   * receivers' order: the same as {@link #jobFor} for each, except that the receivers taking all of
   * the event's people (filters that let everything through, the usual case) share one encoded
   * payload instead of encoding it once each.
   */
  public static List<QueuedDelivery> jobsFor(List<Receiver> receivers, PresenceEvent event) {
    List<QueuedDelivery> out = new ArrayList<>();
    String allPayload = null;
    List<String> allKeys = null;
    for (Receiver receiver : receivers) {
      List<PersonState> items = event.items().stream().filter(receiver.filter()).toList();
      if (items.isEmpty()) {
        continue;
      }
      if (items.size() < event.items().size()) {
        out.add(QueuedDelivery.fresh(receiver.id(), event.id(), keys(items), DeliveryPayload.encode(event, items)));
        continue;
      }
      if (allPayload == null) {
        allPayload = DeliveryPayload.encode(event, items);
        allKeys = keys(items);
      }
      out.add(QueuedDelivery.fresh(receiver.id(), event.id(), allKeys, allPayload));
    }
    return out;
  }

  private static List<String> keys(List<PersonState> items) {
    return items.stream().map(i -> PersonIds.key(i.id())).distinct().toList();
  }

  /** For a replay: the events in log order. */
  public static List<QueuedDelivery> forEvents(Receiver receiver, List<PresenceEvent> events) {
    List<QueuedDelivery> out = new ArrayList<>();
    events.forEach(e -> jobFor(receiver, e).ifPresent(out::add));
    return out;
  }
}
