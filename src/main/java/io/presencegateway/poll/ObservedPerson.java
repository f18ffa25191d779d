package io.presencegateway.poll;

import io.presencegateway.event.PersonIds;

/**
 * One person as the upstream reported them in one cycle. {@code status} null means "no data"
 * (status sharing disabled): never a change. {@code statusMessage} null means the upstream does not
 * supply one (the public Webex API never does); the stored message for the status is used then.
 * {@code key} is the store key of {@code id} ({@link PersonIds#key}), worked out once where the
 * person is parsed (off the event loop), not again by every step of the cycle.
 */
public record ObservedPerson(String id, String status, String statusMessage, String lastActivity,
                             String lastModified, String orgId, String displayName, String email, String key) {

  public ObservedPerson(String id, String status, String statusMessage, String lastActivity,
                        String lastModified, String orgId, String displayName, String email) {
    this(id, status, statusMessage, lastActivity, lastModified, orgId, displayName, email, PersonIds.key(id));
  }

  public boolean hasStatus() {
    return status != null && !status.isEmpty();
  }
}
