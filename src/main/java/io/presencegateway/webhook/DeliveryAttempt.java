package io.presencegateway.webhook;

import io.presencegateway.event.Timestamps;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * One POST to one receiver, for the attempt log (served at {@code …/deliveries}).
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

  /** The attempt log entry as stored and served at {@code …/deliveries}. */
  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("eventId", eventId).put("attempt", attempt).put("at", Timestamps.format(at))
        .put("statusCode", statusCode).put("latencyMs", latencyMs).put("succeeded", succeeded()).put("error", error);
    if (nextRetryMs >= 0) {
      j.put("nextRetryAt", Timestamps.format(at.plusMillis(nextRetryMs)));
    }
    return j;
  }
}
