package io.presencegateway.poll;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.presencegateway.event.Timestamps;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.jackson.JacksonCodec;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Webex People API bodies to {@link ObservedPerson}s, read as a token stream straight from the
 * received bytes: only the fields the gateway keeps become strings, everything else is skipped,
 * and no tree of maps is built on the way (a 1,000-person page is read once per cycle and page).
 * The rules are those of reading the body as a {@code JsonObject} (the same Jackson settings, the
 * last of repeated fields wins, nothing may follow the object). Any status string passes through
 * unchanged (Webex adds values without notice); a missing or empty status is "no data" (null). The
 * public API has no status message, so it is always null here. Pure: safe on any thread.
 */
final class PersonParser {
  static final String NOT_AN_OBJECT = "the answer is not a JSON object";
  static final String NO_ITEMS = "no 'items' array in the list";

  /**
   * One page of the org list.
   *
   * @param people  the items with a usable id, in listing order
   * @param skipped items without one (not an object, no id, an id that is not a non-blank string)
   */
  record Page(List<ObservedPerson> people, int skipped) { }

  /** A body that cannot be trusted; the message says why (one of the constants above). */
  static final class UnreadableBody extends Exception {
    UnreadableBody(String why) {
      super(why, null, false, false);
    }
  }

  private PersonParser() {
  }

  /** A {@code GET /people} body: {@code {"items": [Person, ...], ...}}. */
  static Page page(Buffer body) throws UnreadableBody {
    try (JsonParser json = parser(body)) {
      List<ObservedPerson> people = null;
      int skipped = 0;
      while (json.nextToken() == JsonToken.FIELD_NAME) {
        boolean items = "items".equals(json.currentName());
        JsonToken value = json.nextToken();
        if (items && value == JsonToken.START_ARRAY) {
          people = new ArrayList<>();
          skipped = 0;
          while (json.nextToken() != JsonToken.END_ARRAY) {
            ObservedPerson person = person(json);
            if (person == null) {
              skipped++;
            } else {
              people.add(person);
            }
          }
        } else {
          people = items ? null : people; // a later "items" replaces an earlier one, as in a JsonObject
          json.skipChildren();
        }
      }
      end(json);
      if (people == null) {
        throw new UnreadableBody(NO_ITEMS);
      }
      return new Page(people, skipped);
    } catch (IOException e) {
      throw new UnreadableBody(NOT_AN_OBJECT);
    }
  }

  /** A {@code GET /people/{id}} body: one Person; null when it has no usable id. */
  static ObservedPerson one(Buffer body) throws UnreadableBody {
    try (JsonParser json = parser(body)) {
      ObservedPerson person = fields(json);
      end(json);
      return person;
    } catch (IOException e) {
      throw new UnreadableBody(NOT_AN_OBJECT);
    }
  }

  /** A parser standing on the first field of the body's object. */
  private static JsonParser parser(Buffer body) throws IOException, UnreadableBody {
    JsonParser json = JacksonCodec.createParser(body == null ? Buffer.buffer() : body);
    if (json.nextToken() != JsonToken.START_OBJECT) {
      json.close();
      throw new UnreadableBody(NOT_AN_OBJECT);
    }
    return json;
  }

  /** After the object's END_OBJECT: nothing may follow, as when decoding a JsonObject. */
  private static void end(JsonParser json) throws IOException, UnreadableBody {
    if (json.nextToken() != null) {
      throw new UnreadableBody(NOT_AN_OBJECT);
    }
  }

  /** The item the parser stands on (any value); null when it is not a Person with an id. */
  private static ObservedPerson person(JsonParser json) throws IOException {
    if (json.currentToken() != JsonToken.START_OBJECT) {
      json.skipChildren();
      return null;
    }
    return fields(json);
  }

  /** The fields of the object whose START_OBJECT the parser stands on, up to its END_OBJECT. */
  private static ObservedPerson fields(JsonParser json) throws IOException {
    String id = null;
    String status = null;
    String lastActivity = null;
    String lastModified = null;
    String orgId = null;
    String displayName = null;
    String email = null;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      json.nextToken();
      switch (field) {
        case "id" -> id = text(json);
        case "status" -> status = text(json);
        case "lastActivity" -> lastActivity = text(json);
        case "lastModified" -> lastModified = text(json);
        case "orgId" -> orgId = text(json);
        case "displayName" -> displayName = text(json);
        case "emails" -> email = firstEmail(json);
        default -> json.skipChildren();
      }
    }
    if (id == null || id.isBlank()) {
      return null;
    }
    return new ObservedPerson(id, status == null || status.isEmpty() ? null : status, null,
        Timestamps.normalise(lastActivity), Timestamps.normalise(lastModified), orgId, displayName, email);
  }

  /** The value the parser stands on if it is a string, else null (and the value skipped). */
  private static String text(JsonParser json) throws IOException {
    if (json.currentToken() == JsonToken.VALUE_STRING) {
      return json.getText();
    }
    json.skipChildren();
    return null;
  }

  /** The first element of the array the parser stands on if it is a string, else null. */
  private static String firstEmail(JsonParser json) throws IOException {
    if (json.currentToken() != JsonToken.START_ARRAY) {
      json.skipChildren();
      return null;
    }
    String first = null;
    if (json.nextToken() != JsonToken.END_ARRAY) {
      first = text(json);
      while (json.nextToken() != JsonToken.END_ARRAY) {
        json.skipChildren();
      }
    }
    return first;
  }
}
