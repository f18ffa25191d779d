package io.presencegateway.poll;

/**
 * One person as the upstream reported them in one cycle. {@code status} null means "no data"
 * (status sharing disabled): never a change. {@code statusMessage} null means the upstream does not
 * supply one (the public Webex API never does); the stored message for the status is used then.
 */
public record ObservedPerson(String id, String status, String statusMessage, String lastActivity,
                             String lastModified, String orgId, String displayName, String email) {

  public boolean hasStatus() {
    return status != null && !status.isEmpty();
  }
}
