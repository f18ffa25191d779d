package io.presencegateway.store;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;

/**
 * A webhook subscription as stored. The secrets are kept (they are needed to sign) but never leave
 * the gateway through the API after creation; {@code previousSecret} still signs until
 * {@code previousSecretUntilMs} (a rotation overlap). {@code failingSinceMs} is the start of the
 * current run of failures (0 while deliveries succeed), for the auto-disable rule.
 */
public record Subscription(String id, String targetUrl, String secret, String previousSecret, long previousSecretUntilMs,
                           List<String> ids, List<String> statuses, String description, boolean enabled,
                           String disabledReason, long createdAtMs, long failingSinceMs) {

  public Subscription {
    ids = List.copyOf(ids);
    statuses = List.copyOf(statuses);
  }

  /** The secrets that sign right now, newest first. */
  public List<String> signingSecrets(long nowMs) {
    List<String> out = new ArrayList<>();
    out.add(secret);
    if (previousSecret != null && nowMs < previousSecretUntilMs) {
      out.add(previousSecret);
    }
    return out;
  }

  public Subscription withFailingSince(long ms) {
    return new Subscription(id, targetUrl, secret, previousSecret, previousSecretUntilMs, ids, statuses, description,
        enabled, disabledReason, createdAtMs, ms);
  }

  public Subscription disabled(String reason) {
    return new Subscription(id, targetUrl, secret, previousSecret, previousSecretUntilMs, ids, statuses, description,
        false, reason, createdAtMs, failingSinceMs);
  }

  public Subscription rotated(String newSecret, long overlapUntilMs) {
    return new Subscription(id, targetUrl, newSecret, secret, overlapUntilMs, ids, statuses, description,
        enabled, disabledReason, createdAtMs, failingSinceMs);
  }

  /** Storage form (holds the secrets: for the store only, never for an API answer). */
  public JsonObject toStoredJson() {
    return new JsonObject().put("id", id).put("targetUrl", targetUrl).put("secret", secret)
        .put("previousSecret", previousSecret).put("previousSecretUntilMs", previousSecretUntilMs)
        .put("ids", new JsonArray(new ArrayList<>(ids))).put("statuses", new JsonArray(new ArrayList<>(statuses)))
        .put("description", description).put("enabled", enabled).put("disabledReason", disabledReason)
        .put("createdAtMs", createdAtMs).put("failingSinceMs", failingSinceMs);
  }

  public static Subscription fromStoredJson(JsonObject j) {
    return new Subscription(j.getString("id"), j.getString("targetUrl"), j.getString("secret"),
        j.getString("previousSecret"), j.getLong("previousSecretUntilMs", 0L), strings(j.getJsonArray("ids")),
        strings(j.getJsonArray("statuses")), j.getString("description"), j.getBoolean("enabled", true),
        j.getString("disabledReason"), j.getLong("createdAtMs", 0L), j.getLong("failingSinceMs", 0L));
  }

  private static List<String> strings(JsonArray a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      a.forEach(o -> out.add(String.valueOf(o)));
    }
    return out;
  }

  @Override
  public String toString() {
    return "Subscription[" + id + ", enabled=" + enabled + "]"; // never the secrets nor the URL path
  }
}
