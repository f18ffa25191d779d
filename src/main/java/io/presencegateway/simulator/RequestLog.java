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

  /** One request; {@code status} is filled in when its answer's headers are sent. */
  static final class Entry {
    private final long timeMs;
    private final String method;
    private final String path;
    private final Integer faultStatus;
    private int status;

    Entry(long timeMs, String method, String path, Integer faultStatus) {
      this.timeMs = timeMs;
      this.method = method;
      this.path = path;
      this.faultStatus = faultStatus;
    }

    void answered(int code) {
      status = code;
    }
  }

  private final ArrayDeque<Entry> entries = new ArrayDeque<>();

  /** @param faultStatus the status of the fault injected into this request, or null */
  Entry record(long timeMs, String method, String path, Integer faultStatus) {
    Entry entry = new Entry(timeMs, method, path, faultStatus);
    entries.addLast(entry);
    while (entries.size() > CAPACITY) {
      entries.removeFirst();
    }
    return entry;
  }

  void clear() {
    entries.clear();
  }

  JsonArray toJson() {
    JsonArray items = new JsonArray();
    entries.forEach(e -> items.add(new JsonObject().put("timeMs", e.timeMs).put("method", e.method).put("path", e.path)
        .put("fault", e.faultStatus).put("status", e.status == 0 ? null : e.status)));
    return items;
  }
}
