package io.presencegateway.poll;

import io.presencegateway.event.PersonIds;
import io.presencegateway.event.Timestamps;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token-stream reader against the rules of reading a body as a JsonObject tree. */
class PersonParserTest {
  private static final String ANA = PersonIds.personId("us", new UUID(1, 1));
  private static final String BEN = PersonIds.personId("us", new UUID(2, 2));

  /** What the gateway did before: the page as a JsonObject, then each item by its fields. */
  private static List<ObservedPerson> asTree(String body) {
    List<ObservedPerson> out = new ArrayList<>();
    for (Object item : new JsonObject(body).getJsonArray("items")) {
      if (item instanceof JsonObject json && json.getValue("id") instanceof String id && !id.isBlank()) {
        String status = text(json, "status");
        Object emails = json.getValue("emails");
        String email = emails instanceof JsonArray a && !a.isEmpty() && a.getValue(0) instanceof String e ? e : null;
        out.add(new ObservedPerson(id, status == null || status.isEmpty() ? null : status, null,
            Timestamps.normalise(text(json, "lastActivity")), Timestamps.normalise(text(json, "lastModified")),
            text(json, "orgId"), text(json, "displayName"), email));
      }
    }
    return out;
  }

  private static String text(JsonObject json, String field) {
    return json.getValue(field) instanceof String s ? s : null;
  }

  private static PersonParser.Page page(String body) throws PersonParser.UnreadableBody {
    return PersonParser.page(Buffer.buffer(body));
  }

  @Test
  void readsEveryKeptFieldAndSkipsTheRest() throws Exception {
    String body = new JsonObject().put("notes", new JsonObject().put("items", 1)).put("items", new JsonArray()
        .add(new JsonObject().put("id", ANA).put("emails", new JsonArray().add("ana@example.com").add("a2@example.com"))
            .put("displayName", "Ana Almeida").put("nickName", new JsonArray().add(new JsonObject().put("x", 1)))
            .put("orgId", "org").put("created", "2020-01-01T00:00:00.000Z").put("lastModified", "2025-06-05T13:24:42.790Z")
            .put("lastActivity", "2025-08-15T18:42:27.199+02:00").put("status", "FocusTime").put("type", "person"))
        .add(new JsonObject().put("id", BEN)))
        .put("next", "x").encode();
    PersonParser.Page page = page(body);
    assertThat(page.skipped()).isZero();
    assertThat(page.people()).containsExactly(
        new ObservedPerson(ANA, "FocusTime", null, "2025-08-15T16:42:27.199Z", "2025-06-05T13:24:42.790Z", "org",
            "Ana Almeida", "ana@example.com"),
        new ObservedPerson(BEN, null, null, null, null, null, null, null));
    assertThat(page.people()).isEqualTo(asTree(body));
  }

  @Test
  void oddValuesAreReadAsTheTreeReadThem() throws Exception {
    JsonArray items = new JsonArray()
        .add("not a person").add(42).addNull().add(new JsonArray().add(new JsonObject().put("id", ANA)))
        .add(new JsonObject().put("status", "active"))
        .add(new JsonObject().put("id", "  ").put("status", "active"))
        .add(new JsonObject().put("id", 7).put("status", "active"))
        .add(new JsonObject().put("id", ANA).put("status", "").put("emails", new JsonArray()))
        .add(new JsonObject().put("id", BEN).put("status", 3).put("displayName", new JsonObject().put("a", "b"))
            .put("emails", new JsonArray().add(1).add("ben@example.com")).put("lastActivity", false))
        .add(new JsonObject().put("id", ANA).put("emails", "ana@example.com").put("orgId", new JsonArray().add("o")))
        .add(new JsonObject().put("id", BEN).put("lastModified", "yesterday").putNull("status"));
    String body = new JsonObject().put("items", items).encode();
    PersonParser.Page page = page(body);
    assertThat(page.skipped()).isEqualTo(7);
    assertThat(page.people()).hasSize(4).isEqualTo(asTree(body));
    assertThat(page.people().get(3).lastModified()).isEqualTo("yesterday");
  }

  @Test
  void theLastOfRepeatedFieldsWins() throws Exception {
    String body = "{\"items\":[{\"id\":\"" + ANA + "\",\"status\":\"call\",\"status\":\"meeting\",\"id\":7}],"
        + "\"items\":[{\"status\":\"call\",\"id\":\"" + BEN + "\",\"status\":\"active\",\"status\":{}}]}";
    assertThat(page(body).people()).containsExactly(new ObservedPerson(BEN, null, null, null, null, null, null, null))
        .isEqualTo(asTree(body));
    assertThatThrownBy(() -> page("{\"items\":[{\"id\":\"" + ANA + "\"}],\"items\":{}}"))
        .hasMessage(PersonParser.NO_ITEMS);
  }

  @Test
  void aBodyThatIsNoListIsUnreadable() {
    for (String body : List.of("", "  ", "[]", "\"items\"", "null", "{\"items\":[{\"id\":\"x\"}]", "{\"items\":[]} {}",
        "{\"items\":[]}]", "{\"items\":[{\"id\":\"x\",}]}", "{'items':[]}")) {
      assertThatThrownBy(() -> page(body)).as(body).isInstanceOf(PersonParser.UnreadableBody.class)
          .hasMessage(PersonParser.NOT_AN_OBJECT);
    }
    for (String body : List.of("{}", "{\"item\":[]}", "{\"items\":null}", "{\"items\":{\"id\":\"x\"}}")) {
      assertThatThrownBy(() -> page(body)).as(body).hasMessage(PersonParser.NO_ITEMS);
    }
    assertThatThrownBy(() -> PersonParser.page(null)).hasMessage(PersonParser.NOT_AN_OBJECT);
  }

  @Test
  void anEmptyListAndCommentsAreFine() throws Exception {
    assertThat(page("{\"items\":[]}").people()).isEmpty();
    // the same Jackson settings as Vert.x's own decoding, which allows comments
    assertThat(page("/* list */ {\"items\":[{\"id\":\"" + ANA + "\"}]}").people()).hasSize(1);
  }

  @Test
  void onePersonIsReadTheSameWay() throws Exception {
    JsonObject person = new JsonObject().put("id", ANA).put("status", "DoNotDisturb")
        .put("emails", new JsonArray().add("ana@example.com")).put("lastActivity", "2025-08-15T16:42:27Z");
    assertThat(PersonParser.one(person.toBuffer())).isEqualTo(new ObservedPerson(ANA, "DoNotDisturb", null,
        "2025-08-15T16:42:27.000Z", null, null, null, "ana@example.com"));
    assertThat(PersonParser.one(Buffer.buffer("{\"status\":\"active\"}"))).isNull();
    assertThatThrownBy(() -> PersonParser.one(Buffer.buffer("[" + person.encode() + "]")))
        .hasMessage(PersonParser.NOT_AN_OBJECT);
    assertThatThrownBy(() -> PersonParser.one(Buffer.buffer(person.encode() + "x")))
        .hasMessage(PersonParser.NOT_AN_OBJECT);
  }
}
