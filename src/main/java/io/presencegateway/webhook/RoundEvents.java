package io.presencegateway.webhook;

import io.presencegateway.event.PresenceEvent;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The events and bodies of one claim round. A round usually holds the same event for many
 * subscriptions: their jobs share one decode of the stored payload (when their items are the same)
 * and one body when the people still live in them are the same too, instead of a decode and an
 * envelope per attempt. The bytes sent are exactly those {@link DeliveryPayload} makes for each job.
 * Lives for one round, on the worker's context.
 */
final class RoundEvents {

  /** A job's event as decoded from its payload, and when it was detected (ms; -1 when unreadable). */
  record Decoded(PresenceEvent event, long detectedMs) {
    /** Detection to {@code nowMs}; zero when the timestamp cannot be read (test events). */
    Duration sinceDetection(long nowMs) {
      return detectedMs < 0 ? Duration.ZERO : Duration.ofMillis(Math.max(0, nowMs - detectedMs));
    }
  }

  private record EventKey(String eventId, String payload) { }

  private record BodyKey(EventKey event, Set<String> livePersonKeys) { }

  private final Map<EventKey, Decoded> events = new HashMap<>();
  /** A null value is kept too: nobody live in that job, nothing to send. */
  private final Map<BodyKey, Buffer> bodies = new HashMap<>();

  Decoded event(String eventId, String payload) {
    return events.computeIfAbsent(new EventKey(eventId, payload), k -> {
      PresenceEvent e = DeliveryPayload.decode(eventId, payload);
      return new Decoded(e, detectedMs(e));
    });
  }

  /** The body for these live people (null: none of them is in the event). */
  Buffer body(String eventId, String payload, Set<String> livePersonKeys) {
    BodyKey key = new BodyKey(new EventKey(eventId, payload), livePersonKeys);
    if (bodies.containsKey(key)) {
      return bodies.get(key);
    }
    Buffer body = DeliveryPayload.body(event(eventId, payload).event(), livePersonKeys);
    bodies.put(key, body);
    return body;
  }

  private static long detectedMs(PresenceEvent event) {
    try {
      return Instant.parse(event.timestamp()).toEpochMilli();
    } catch (RuntimeException e) {
      return -1;
    }
  }
}
