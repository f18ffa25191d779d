package io.presencegateway.store;

import java.util.List;

/**
 * One event on its way to one subscription, as the delivery store keeps it. The {@code payload} is
 * opaque to the store (the webhook package writes and reads it); the store only needs the people
 * in it, to enforce "latest state wins" per (subscription, person).
 *
 * @param id          {@code <subscription id>/<event id>}: one job per event and subscription
 * @param personKeys  the people of the event this subscription gets
 * @param attempts    attempts made so far (a claim counts as one)
 */
public record QueuedDelivery(String id, String subscriptionId, String eventId, List<String> personKeys, String payload,
                             int attempts) {

  public QueuedDelivery {
    personKeys = List.copyOf(personKeys);
  }

  public static String idOf(String subscriptionId, String eventId) {
    return subscriptionId + "/" + eventId;
  }

  public static QueuedDelivery fresh(String subscriptionId, String eventId, List<String> personKeys, String payload) {
    return new QueuedDelivery(idOf(subscriptionId, eventId), subscriptionId, eventId, personKeys, payload, 0);
  }
}
