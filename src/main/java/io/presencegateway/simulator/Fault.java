package io.presencegateway.simulator;

import io.vertx.core.json.JsonObject;

/**
 * One injected misbehaviour of the simulated People API, applied to the next {@code times} matching
 * requests: wait {@code delayMs}, then answer {@code status} (with {@code Retry-After} when given) or,
 * without a status, answer normally (a slow response).
 *
 * @param status     HTTP status to answer, or null for "answer normally after the delay"
 * @param retryAfter raw Retry-After header value (may be deliberately malformed), or null for none
 * @param pathPrefix only requests whose path starts with this are hit; "" = every People API request
 * @param skip       matching requests to let through before the fault starts (e.g. 1 = fail page 2)
 */
record Fault(Integer status, String retryAfter, long delayMs, int times, String pathPrefix, int skip) {
  private static final long MAX_DELAY_MS = 600_000;

  /** Parses the control API body; throws IllegalArgumentException with a message for the client. */
  static Fault fromJson(JsonObject json) {
    Integer status = optionalInt(json, "status");
    if (status != null && (status < 200 || status > 599)) {
      throw new IllegalArgumentException("'status' must be an HTTP status between 200 and 599");
    }
    Integer delay = optionalInt(json, "delayMs");
    if (delay != null && (delay < 0 || delay > MAX_DELAY_MS)) {
      throw new IllegalArgumentException("'delayMs' must be between 0 and " + MAX_DELAY_MS);
    }
    if (status == null && (delay == null || delay == 0)) {
      throw new IllegalArgumentException("a fault needs a 'status' or a positive 'delayMs'");
    }
    Integer times = optionalInt(json, "times");
    if (times != null && times < 1) {
      throw new IllegalArgumentException("'times' must be at least 1");
    }
    Integer skip = optionalInt(json, "skip");
    if (skip != null && skip < 0) {
      throw new IllegalArgumentException("'skip' must not be negative");
    }
    return new Fault(status, optionalText(json, "retryAfter"), delay == null ? 0 : delay, times == null ? 1 : times,
        prefix(json), skip == null ? 0 : skip);
  }

  boolean matches(String path) {
    return path.startsWith(pathPrefix);
  }

  Fault used() {
    return new Fault(status, retryAfter, delayMs, times - 1, pathPrefix, 0);
  }

  Fault skipped() {
    return new Fault(status, retryAfter, delayMs, times, pathPrefix, skip - 1);
  }

  JsonObject toJson() {
    return new JsonObject().put("status", status).put("retryAfter", retryAfter).put("delayMs", delayMs)
        .put("times", times).put("pathPrefix", pathPrefix).put("skip", skip);
  }

  private static String prefix(JsonObject json) {
    String prefix = optionalText(json, "pathPrefix");
    if (prefix == null || prefix.isEmpty()) {
      return "";
    }
    if (!prefix.startsWith("/")) {
      throw new IllegalArgumentException("'pathPrefix' must start with '/', e.g. /v1/people");
    }
    return prefix;
  }

  private static Integer optionalInt(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof Number n && n.doubleValue() == n.intValue()) {
      return n.intValue();
    }
    throw new IllegalArgumentException("'" + field + "' must be an integer");
  }

  /** Retry-After may be given as a number or a string (strings allow malformed values on purpose). */
  private static String optionalText(JsonObject json, String field) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (value instanceof String || value instanceof Number) {
      return String.valueOf(value);
    }
    throw new IllegalArgumentException("'" + field + "' must be a string");
  }
}
