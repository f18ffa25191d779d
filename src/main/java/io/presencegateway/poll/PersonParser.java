package io.presencegateway.poll;

import io.presencegateway.event.Timestamps;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A Webex Person object to an {@link ObservedPerson}. Any status string passes through unchanged
 * (Webex adds values without notice); a missing or empty status is "no data" (null). The public API
 * has no status message, so it is always null here.
 */
final class PersonParser {
  private PersonParser() {
  }

  /** @return the person, or null when the object has no usable id */
  static ObservedPerson parse(Object raw) {
    if (!(raw instanceof JsonObject json) || !(json.getValue("id") instanceof String id) || id.isBlank()) {
      return null;
    }
    return new ObservedPerson(id, status(json), null, Timestamps.normalise(text(json, "lastActivity")),
        Timestamps.normalise(text(json, "lastModified")), text(json, "orgId"), text(json, "displayName"),
        firstEmail(json));
  }

  private static String status(JsonObject json) {
    String status = text(json, "status");
    return status == null || status.isEmpty() ? null : status;
  }

  private static String firstEmail(JsonObject json) {
    Object emails = json.getValue("emails");
    if (emails instanceof JsonArray array && !array.isEmpty() && array.getValue(0) instanceof String email) {
      return email;
    }
    return null;
  }

  private static String text(JsonObject json, String field) {
    return json.getValue(field) instanceof String s ? s : null;
  }
}
