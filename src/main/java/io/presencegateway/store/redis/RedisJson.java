package io.presencegateway.store.redis;

import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** How states, messages and log entries look in Redis, and back. */
final class RedisJson {
  private RedisJson() {
  }

  /** Compact JSON of a state: absent fields are left out rather than written as null. */
  static String state(PersonState s) {
    JsonObject j = new JsonObject().put("id", s.id()).put("status", s.status()).put("statusMessage", s.statusMessage());
    putIfSet(j, "lastActivity", s.lastActivity());
    putIfSet(j, "lastModified", s.lastModified());
    putIfSet(j, "orgId", s.orgId());
    putIfSet(j, "displayName", s.displayName());
    putIfSet(j, "email", s.email());
    return j.encode();
  }

  private static void putIfSet(JsonObject j, String name, String value) {
    if (value != null) {
      j.put(name, value);
    }
  }

  static PersonState state(String json) {
    return state(new JsonObject(json));
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
