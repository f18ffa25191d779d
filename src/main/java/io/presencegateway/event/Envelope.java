package io.presencegateway.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;

/**
 * Writes the {@code user-presence} envelope byte-for-byte in the seed's shape: field names and
 * order {@code payload, items[id, status, statusMessage, lastActivity, lastModified], orgId,
 * timestamp}. Streaming Jackson keeps the order fixed and avoids a tree per event.
 */
public final class Envelope {
  public static final String PAYLOAD = "user-presence";
  private static final JsonFactory JSON = new JsonFactory();

  private Envelope() {
  }

  public static byte[] write(String orgId, String timestamp, Collection<PersonState> items) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128 + 256 * items.size());
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("payload", PAYLOAD);
      g.writeArrayFieldStart("items");
      for (PersonState item : items) {
        writeItem(g, item);
      }
      g.writeEndArray();
      g.writeStringField("orgId", orgId == null ? "" : orgId);
      g.writeStringField("timestamp", timestamp);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeItem(JsonGenerator g, PersonState item) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", item.id());
    g.writeStringField("status", item.status());
    g.writeStringField("statusMessage", item.statusMessage());
    writeNullable(g, "lastActivity", item.lastActivity());
    writeNullable(g, "lastModified", item.lastModified());
    g.writeEndObject();
  }

  private static void writeNullable(JsonGenerator g, String name, String value) throws IOException {
    if (value == null) {
      g.writeNullField(name);
    } else {
      g.writeStringField(name, value);
    }
  }
}
