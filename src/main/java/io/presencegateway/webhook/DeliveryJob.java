package io.presencegateway.webhook;

import io.presencegateway.event.PresenceEvent;

/**
 * One event on its way to one receiver. {@code attempt} is the number of the attempt this job will
 * make (1 for the first). The event id is the {@code webhook-id} of every attempt.
 */
public record DeliveryJob(String receiverId, PresenceEvent event, int attempt) {

  public DeliveryJob next() {
    return new DeliveryJob(receiverId, event, attempt + 1);
  }

  /** Identity of the job in a queue: a later attempt of the same delivery replaces an earlier one. */
  public String key() {
    return receiverId + "/" + event.id();
  }
}
