package io.presencegateway.ws;

import io.presencegateway.event.PresenceEvent;
import io.presencegateway.event.PresenceFilter;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The WebSocket message format. Server → client: {@code {"type","id","data"}} with {@code type}
 * one of {@code snapshot}, {@code user-presence}, {@code reset}, {@code error}, {@code pong};
 * {@code data} of an event or snapshot is the envelope of PRODUCT.md §4, spliced in as already
 * serialised bytes. Client → server: {@code subscribe}, {@code unsubscribe}, {@code ping}.
 */
final class WsMessages {
  private WsMessages() {
  }

  static String event(PresenceEvent event, Buffer envelope) {
    return withEnvelope("user-presence", event.id(), envelope);
  }

  static String snapshot(String eventId, Buffer envelope) {
    return withEnvelope("snapshot", eventId, envelope);
  }

  /** Event ids are digits and one dash, so they need no JSON escaping. */
  private static String withEnvelope(String type, String id, Buffer envelope) {
    return "{\"type\":\"" + type + "\",\"id\":\"" + id + "\",\"data\":" + envelope.toString(StandardCharsets.UTF_8) + "}";
  }

  static String reset() {
    return new JsonObject().put("type", "reset").putNull("id")
        .put("data", new JsonObject().put("reason", "unknown or expired event id: snapshot follows")).encode();
  }

  static String error(String code, String message) {
    return new JsonObject().put("type", "error").putNull("id")
        .put("data", new JsonObject().put("code", code).put("message", message)).encode();
  }

  static String pong(String lastEventId) {
    return new JsonObject().put("type", "pong").put("id", lastEventId).encode();
  }

  /** A client message, or why it is not one. */
  sealed interface ClientMessage permits Subscribe, Unsubscribe, Ping, Invalid { }

  record Subscribe(WsSubscription subscription) implements ClientMessage { }

  record Unsubscribe() implements ClientMessage { }

  record Ping() implements ClientMessage { }

  record Invalid(String reason) implements ClientMessage { }

  static ClientMessage parse(String text) {
    JsonObject json;
    try {
      json = new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      return new Invalid("message is not a JSON object");
    }
    Object type = json.getValue("type");
    if ("subscribe".equals(type)) {
      return subscribe(json);
    }
    if ("unsubscribe".equals(type)) {
      return new Unsubscribe();
    }
    if ("ping".equals(type)) {
      return new Ping();
    }
    return new Invalid("unknown message type (expected subscribe, unsubscribe or ping)");
  }

  private static ClientMessage subscribe(JsonObject json) {
    try {
      List<String> ids = strings(json, "ids");
      List<String> statuses = strings(json, "statuses");
      Object since = json.getValue("since");
      if (since != null && !(since instanceof String)) {
        return new Invalid("'since' must be an event id string");
      }
      String resume = since == null || ((String) since).isBlank() ? null : ((String) since).trim();
      return new Subscribe(new WsSubscription(PresenceFilter.of(ids, statuses), resume));
    } catch (IllegalArgumentException e) {
      return new Invalid(e.getMessage());
    }
  }

  private static List<String> strings(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new IllegalArgumentException("'" + field + "' must be an array of strings");
    }
    if (array.size() > PresenceFilter.MAX_ENTRIES) {
      throw new IllegalArgumentException("'" + field + "' holds at most " + PresenceFilter.MAX_ENTRIES + " entries");
    }
    List<String> out = new ArrayList<>(array.size());
    for (Object o : array) {
      if (!(o instanceof String s)) {
        throw new IllegalArgumentException("'" + field + "' must be an array of strings");
      }
      out.add(s);
    }
    return out;
  }
}
