package io.presencegateway.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * One person of the simulated org, immutable. {@code status} null = status sharing disabled: the
 * Person JSON then has no {@code status} field, exactly as Webex sends it.
 */
record SimPerson(String id, List<String> emails, String displayName, String firstName, String lastName,
                 String orgId, String created, String lastModified, String status, String lastActivity) {

  SimPerson {
    emails = List.copyOf(emails);
  }

  SimPerson withPresence(String newStatus, String newLastActivity) {
    return new SimPerson(id, emails, displayName, firstName, lastName, orgId, created, lastModified, newStatus, newLastActivity);
  }

  SimPerson withDisplayName(String name) {
    return new SimPerson(id, emails, name, firstName, lastName, orgId, created, lastModified, status, lastActivity);
  }

  SimPerson withOrgId(String org) {
    return new SimPerson(id, emails, displayName, firstName, lastName, org, created, lastModified, status, lastActivity);
  }

  SimPerson withLastModified(String modified) {
    return new SimPerson(id, emails, displayName, firstName, lastName, orgId, created, modified, status, lastActivity);
  }

  /** The Person object of the Webex People API (field order as Webex sends it). */
  JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("emails", new JsonArray(emails))
        .put("displayName", displayName)
        .put("firstName", firstName)
        .put("lastName", lastName)
        .put("orgId", orgId)
        .put("created", created)
        .put("lastModified", lastModified);
    if (lastActivity != null) {
      json.put("lastActivity", lastActivity);
    }
    if (status != null) {
      json.put("status", status);
    }
    return json.put("type", "person");
  }
}
