package io.presencegateway.event;

import java.util.Objects;

/**
 * The last known presence of one person. The first five fields are the envelope item of the seed
 * format; {@code orgId}, {@code displayName} and {@code email} are kept for the envelope's org and
 * for the people directory, and never written into an item.
 *
 * @param status        the Webex status exactly as sent (unknown values pass through)
 * @param statusMessage the resolved status message, {@code ""} when none
 */
public record PersonState(String id, String status, String statusMessage, String lastActivity, String lastModified,
                          String orgId, String displayName, String email) {

  public PersonState {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(status, "status");
    statusMessage = statusMessage == null ? "" : statusMessage;
  }

  /** True when status or status message differ: the only thing that makes an event. */
  public boolean changeKeyDiffers(PersonState other) {
    return other == null || !status.equals(other.status) || !statusMessage.equals(other.statusMessage);
  }

  public PersonState withStatusMessage(String message) {
    return new PersonState(id, status, message, lastActivity, lastModified, orgId, displayName, email);
  }
}
