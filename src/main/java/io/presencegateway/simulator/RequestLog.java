package io.presencegateway.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;

/**
 * The People API requests the simulator received, newest last, bounded. Tests read it to prove
 * what the poller did (e.g. no request while throttled). Owned by the simulator's event loop.
 */
final class RequestLog {
  private static final int CAPACITY = 10_000;

  private record Entry(long timeMs, String method, String path, Integer faultStatus) { }

  private final ArrayDeque<Entry> entries = new ArrayDeque<>();

  /** @param faultStatus the status of the fault injected into this request, or null */
  void record(long timeMs, String method, String path, Integer faultStatus) {
    entries.addLast(new Entry(timeMs, method, path, faultStatus));
    while (entries.size() > CAPACITY) {
      entries.removeFirst();
    }
  }

  void clear() {
    entries.clear();
  }

  JsonArray toJson() {
    JsonArray items = new JsonArray();
    entries.forEach(e -> items.add(new JsonObject().put("timeMs", e.timeMs()).put("method", e.method()).put("path", e.path())
        .put("fault", e.faultStatus())));
    return items;
  }
}
