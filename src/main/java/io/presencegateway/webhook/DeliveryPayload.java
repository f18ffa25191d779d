package io.presencegateway.webhook;

import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a queued delivery keeps of its event: org, detection time and the subscriber's items, each
 * with exactly the fields the envelope carries. The body is rebuilt from it at every attempt with
 * the {@link io.presencegateway.event.Envelope} writer, so an attempt after a restart sends the
 * same bytes the first one did (minus superseded people).
 */
final class DeliveryPayload {
  private DeliveryPayload() {
  }

  static String encode(PresenceEvent event, List<PersonState> items) {
    JsonArray out = new JsonArray();
    for (PersonState i : items) {
      out.add(new JsonArray().add(i.id()).add(i.status()).add(i.statusMessage()).add(i.lastActivity()).add(i.lastModified()));
    }
    return new JsonObject().put("org", event.orgId()).put("ts", event.timestamp()).put("items", out).encode();
  }

  static PresenceEvent decode(String eventId, String payload) {
    JsonObject j = new JsonObject(payload);
    String org = j.getString("org");
    List<PersonState> items = new ArrayList<>();
    for (Object o : j.getJsonArray("items")) {
      JsonArray a = (JsonArray) o;
      items.add(new PersonState(a.getString(0), a.getString(1), a.getString(2), a.getString(3), a.getString(4), org, null, null));
    }
    return new PresenceEvent(eventId, org, j.getString("ts"), items);
  }

  /** The envelope with only the people still live in this job. */
  static Buffer body(PresenceEvent event, Set<String> livePersonKeys) {
    return event.envelope(item -> livePersonKeys.contains(PersonIds.key(item.id())));
  }
}
