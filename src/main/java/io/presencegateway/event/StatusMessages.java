package io.presencegateway.event;

import java.util.Map;

/**
 * Stored status messages: person key ({@link PersonIds#key}) → status → message. The public Webex
 * API has no status message, so the gateway keeps one per person and status kind.
 */
public record StatusMessages(Map<String, Map<String, String>> byPerson) {
  public static final StatusMessages NONE = new StatusMessages(Map.of());

  /** The message for a person's status, or {@code ""} when none is stored. */
  public String messageFor(String personKey, String status) {
    Map<String, String> messages = byPerson.get(personKey);
    if (messages == null) {
      return "";
    }
    String m = messages.get(status);
    return m == null ? "" : m;
  }
}
