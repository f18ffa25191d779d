package io.presencegateway.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * The simulator's control API ({@code /v1/simulator}): who is in the org, change one person's
 * status, and the People API request log, from which {@link #awaitListingServed} tells when a poll
 * cycle has read the last page of the org (so that changes made from then on belong to the next
 * cycle).
 */
final class Simulator {
  /** Statuses a driven change cycles through; never "no data", which is not a change. */
  private static final List<String> STATUSES = List.of("active", "call", "meeting", "DoNotDisturb", "inactive", "presenting");
  /** Concurrent control-API PUTs of one change burst. */
  private static final int PUT_CONCURRENCY = 16;

  record Person(String id, String status) { }

  private final Http http;
  private final String base;

  Simulator(Http http, String baseUrl) {
    this.http = http;
    this.base = baseUrl + "/v1/simulator";
  }

  /** Everyone in the org who shares a status (the others can never make an event). */
  List<Person> peopleWithStatus() {
    JsonArray items = http.expectJson("GET", base + "/people", null).getJsonArray("items");
    List<Person> out = new ArrayList<>();
    for (Object o : items) {
      JsonObject p = (JsonObject) o;
      if (p.getString("status") != null) {
        out.add(new Person(p.getString("id"), p.getString("status")));
      }
    }
    return out;
  }

  /** A status other than {@code current}. */
  static String nextStatus(String current) {
    int i = STATUSES.indexOf(current);
    return STATUSES.get((i + 1) % STATUSES.size()); // unknown (-1) → the first one
  }

  /** Sets each person to the given status (id → status), at most {@link #PUT_CONCURRENCY} at a time; waits for all. */
  void setStatuses(Map<String, String> statusById) {
    Map<String, JsonObject> fields = new LinkedHashMap<>();
    statusById.forEach((id, status) -> fields.put(id, new JsonObject().put("status", status)));
    update(fields);
  }

  /**
   * Updates each person with the given fields (id → {@code {"status", "orgId", ...}}), at most
   * {@link #PUT_CONCURRENCY} at a time, in the map's order; waits for all.
   */
  void update(Map<String, JsonObject> fieldsById) {
    Semaphore slots = new Semaphore(PUT_CONCURRENCY);
    List<CompletableFuture<Integer>> calls = new ArrayList<>();
    fieldsById.forEach((id, fields) -> {
      slots.acquireUninterruptibly();
      calls.add(http.putAsync(base + "/people/" + id, fields).whenComplete((code, e) -> slots.release()));
    });
    for (CompletableFuture<Integer> call : calls) {
      int code = call.join();
      if (code != 200) {
        throw new IllegalStateException("simulator PUT answered " + code);
      }
    }
  }

  void setStatus(String id, String status) {
    http.expectJson("PUT", base + "/people/" + id, new JsonObject().put("status", status));
  }

  /** Empties the People API request log. */
  void clearRequests() {
    http.send("DELETE", base + "/requests", null);
  }

  /**
   * Waits until the simulator has answered the page of the org listing that ends at {@code people}
   * (the last page of a cycle), then empties the request log so that the next wait sees only the
   * next cycle. Polls the log (it lives in the simulator process, not the gateway) until the deadline.
   *
   * @return the time the last page was requested (simulator clock, ms)
   */
  long awaitListingServed(int people, long deadlineMs) {
    while (System.currentTimeMillis() < deadlineMs) {
      JsonArray log = http.expectJson("GET", base + "/requests", null).getJsonArray("items");
      for (Object o : log) {
        JsonObject e = (JsonObject) o;
        if (isLastPage(e, people) && Integer.valueOf(200).equals(e.getInteger("status"))) {
          // the gateway is now diffing and storing; its next request comes one interval later
          clearRequests();
          return e.getLong("timeMs");
        }
      }
      Pause.millis(20);
    }
    throw new IllegalStateException("no poll cycle read the whole org before the deadline");
  }

  /** {@code GET /v1/people?max=M[&cursor=c]} whose offset + M reaches the org size. */
  private static boolean isLastPage(JsonObject entry, int people) {
    String path = entry.getString("path", "");
    if (!"GET".equals(entry.getString("method")) || !path.startsWith("/v1/people?")) {
      return false;
    }
    int max = 100;
    int offset = 0;
    for (String pair : path.substring(path.indexOf('?') + 1).split("&")) {
      String[] kv = pair.split("=", 2);
      if (kv.length == 2 && kv[0].equals("max")) {
        max = Integer.parseInt(kv[1]);
      } else if (kv.length == 2 && kv[0].equals("cursor")) {
        // the simulator's cursor is base64url("offset:N"); opaque to the gateway, read here on purpose
        String decoded = new String(Base64.getUrlDecoder().decode(kv[1]), StandardCharsets.US_ASCII);
        offset = Integer.parseInt(decoded.substring(decoded.indexOf(':') + 1));
      }
    }
    return offset + max >= people;
  }
}
