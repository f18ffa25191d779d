package io.presencegateway.webhook;

import java.time.Instant;

/**
 * One POST to one receiver, for the attempt log (later served at {@code …/deliveries}).
 *
 * @param statusCode  the receiver's HTTP status, 0 when there was no answer
 * @param error       why the attempt failed, null on success
 * @param nextRetryMs delay until the next attempt, -1 when there is none
 */
public record DeliveryAttempt(String receiverId, String eventId, int attempt, Instant at, int statusCode, long latencyMs,
                              String error, long nextRetryMs) {

  public boolean succeeded() {
    return error == null;
  }
}
