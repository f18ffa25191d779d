package io.presencegateway.store.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How states, messages and log entries look in Redis, and back. */
final class RedisJson {
  private static final JsonFactory JSON = new JsonFactory();
  /** The fields of a stored state, in {@link PersonState}'s order. */
  private static final List<String> STATE_FIELDS =
      List.of("id", "status", "statusMessage", "lastActivity", "lastModified", "orgId", "displayName", "email");

  private RedisJson() {
  }

  /**
   * Compact JSON of a state: absent fields are left out rather than written as null. Written and
   * read as a token stream (a first cycle stores a whole org of them, a new reader reads them all).
   */
  static String state(PersonState s) {
    StringWriter out = new StringWriter(160);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("id", s.id());
      json.writeStringField("status", s.status());
      json.writeStringField("statusMessage", s.statusMessage());
      putIfSet(json, "lastActivity", s.lastActivity());
      putIfSet(json, "lastModified", s.lastModified());
      putIfSet(json, "orgId", s.orgId());
      putIfSet(json, "displayName", s.displayName());
      putIfSet(json, "email", s.email());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void putIfSet(JsonGenerator json, String name, String value) throws IOException {
    if (value != null) {
      json.writeStringField(name, value);
    }
  }

  /** A stored state; a field that is not a string reads as absent. */
  static PersonState state(String stored) {
    String[] f = new String[STATE_FIELDS.size()];
    try (JsonParser json = JSON.createParser(stored)) {
      if (json.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("a stored state is not a JSON object");
      }
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        int at = STATE_FIELDS.indexOf(json.currentName());
        JsonToken value = json.nextToken();
        if (at >= 0) {
          f[at] = value == JsonToken.VALUE_STRING ? json.getText() : null;
        }
        json.skipChildren();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new PersonState(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]);
  }

  private static PersonState state(JsonObject j) {
    return new PersonState(j.getString("id"), j.getString("status"), j.getString("statusMessage"),
        j.getString("lastActivity"), j.getString("lastModified"), j.getString("orgId"),
        j.getString("displayName"), j.getString("email"));
  }

  static Map<String, String> messages(String json) {
    Map<String, String> out = new LinkedHashMap<>();
    new JsonObject(json).forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
    return out;
  }

  /** A hash reply (HGETALL) as a map, whatever the protocol version made of it. */
  static Map<String, String> hash(Response reply) {
    Map<String, String> out = new HashMap<>();
    if (reply == null) {
      return out;
    }
    if (reply.isMap()) {
      reply.getKeys().forEach(k -> out.put(k, reply.get(k).toString()));
      return out;
    }
    for (int i = 0; i + 1 < reply.size(); i += 2) {
      out.put(reply.get(i).toString(), reply.get(i + 1).toString());
    }
    return out;
  }

  /** Stream entries ({@code [[id, [field, value, ...]], ...]}) as events; null entries skipped. */
  static List<PresenceEvent> events(Response entries) {
    List<PresenceEvent> out = new ArrayList<>();
    if (entries == null) {
      return out;
    }
    for (Response entry : entries) {
      if (entry != null && entry.size() == 2 && entry.get(1) != null) {
        out.add(event(entry.get(0).toString(), hash(entry.get(1))));
      }
    }
    return out;
  }

  private static PresenceEvent event(String id, Map<String, String> fields) {
    List<PersonState> items = new ArrayList<>();
    for (Object o : new JsonArray(fields.getOrDefault("items", "[]"))) {
      items.add(state((JsonObject) o));
    }
    String org = fields.get("orgId");
    return new PresenceEvent(id, org == null || org.isEmpty() ? null : org, fields.get("timestamp"), items);
  }

  /** The entries of the one stream in an XREAD / XREADGROUP reply (null when it timed out). */
  static Response streamEntries(Response reply) {
    if (reply == null || reply.size() == 0) {
      return null;
    }
    if (reply.isMap()) {
      return reply.get(RedisKeys.EVENTS);
    }
    return reply.get(0).get(1);
  }
}
