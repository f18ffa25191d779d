package io.presencegateway.event;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EnvelopeTest {

  static JsonObject seedTrace() throws IOException {
    try (InputStream in = EnvelopeTest.class.getResourceAsStream("/fixtures/seed-trace.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void everySeedPayloadIsReproducedByteForByte() throws IOException {
    JsonObject trace = seedTrace();
    JsonObject person = trace.getJsonObject("person");
    for (Object s : trace.getJsonArray("steps")) {
      JsonObject expect = ((JsonObject) s).getJsonObject("expect");
      JsonObject item = expect.getJsonArray("items").getJsonObject(0);
      PersonState state = new PersonState(item.getString("id"), item.getString("status"), item.getString("statusMessage"),
          item.getString("lastActivity"), person.getString("lastModified"), trace.getString("orgId"), "Name", "a@b.c");
      byte[] bytes = Envelope.write(trace.getString("orgId"), expect.getString("timestamp"), List.of(state));
      assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(expect.encode());
    }
  }

  @Test
  void directoryFieldsNeverLeakIntoItems() {
    PersonState state = new PersonState("id", "call", "", null, null, "org", "Secret Name", "who@example.com");
    String json = new String(Envelope.write("org", "2025-01-01T00:00:00.000Z", List.of(state)), StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("Secret Name").doesNotContain("who@example.com");
    JsonArray items = new JsonObject(json).getJsonArray("items");
    assertThat(items.getJsonObject(0).fieldNames()).containsExactly("id", "status", "statusMessage", "lastActivity", "lastModified");
  }

  @Test
  void unicodeAndControlCharactersAreEscapedAsValidJson() {
    PersonState state = new PersonState("id", "DoNotDisturb", "Fokus 🚀 \"quoted\"\n\u0001 ünïcödé", null, null, "org", null, null);
    String json = new String(Envelope.write("org", "2025-01-01T00:00:00.000Z", List.of(state)), StandardCharsets.UTF_8);
    assertThat(new JsonObject(json).getJsonArray("items").getJsonObject(0).getString("statusMessage"))
        .isEqualTo("Fokus 🚀 \"quoted\"\n\u0001 ünïcödé");
  }

  @Test
  void timestampsHaveMillisecondsAndZ() {
    assertThat(Timestamps.format(Instant.parse("2025-08-15T16:42:29Z"))).isEqualTo("2025-08-15T16:42:29.000Z");
    assertThat(Timestamps.normalise("2025-08-15T16:42:27.1992Z")).isEqualTo("2025-08-15T16:42:27.199Z");
    assertThat(Timestamps.normalise("not a time")).isEqualTo("not a time");
    // already canonical: passed through as is (the fast path), and identical to parse + format
    assertThat(Timestamps.normalise("2025-08-15T16:42:27.199Z")).isEqualTo("2025-08-15T16:42:27.199Z")
        .isEqualTo(Timestamps.format(Instant.parse("2025-08-15T16:42:27.199Z")));
    assertThat(Timestamps.normalise("2025-08-15T16:42:27+02:00")).isEqualTo("2025-08-15T14:42:27.000Z");
    assertThat(Timestamps.normalise("2025-13-15T16:42:27.199Z")).isEqualTo("2025-13-15T16:42:27.199Z"); // unparseable
  }

  @Test
  void filteredEnvelopeKeepsOnlyAcceptedItemsAndSharesTheFullOne() {
    PersonState a = new PersonState(PersonIds.personId("us", java.util.UUID.randomUUID()), "call", "", null, null, "org", null, null);
    PersonState b = new PersonState(PersonIds.personId("us", java.util.UUID.randomUUID()), "meeting", "", null, null, "org", null, null);
    PresenceEvent event = new PresenceEvent("1-0", "org", "2025-01-01T00:00:00.000Z", List.of(a, b));
    assertThat(event.envelope(PresenceFilter.ALL)).isSameAs(event.envelope());
    JsonObject onlyCalls = event.envelope(PresenceFilter.parse(null, "call")).toJsonObject();
    assertThat(onlyCalls.getJsonArray("items")).hasSize(1);
    assertThat(event.envelope(PresenceFilter.parse(null, "OutOfOffice"))).isNull();
  }
}
