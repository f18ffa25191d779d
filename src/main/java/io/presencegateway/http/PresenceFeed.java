package io.presencegateway.http;

import io.presencegateway.event.Envelope;
import io.presencegateway.event.EventId;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.event.PresenceFilter;
import io.presencegateway.event.Timestamps;
import io.presencegateway.store.PresenceStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One connection's view of the event stream, shared by the SSE and WebSocket channels: a snapshot
 * or a resume, then live events, with no gap and no duplicate at the seam.
 *
 * <p>How the seam stays tight: the feed joins its loop's {@link LiveFanOut} <em>before</em> the store is read, and
 * live events are held back while the snapshot or replay is read. Any event is then either covered
 * by what was read or arrives on the bus afterwards (or both); delivery skips every id not newer
 * than the last one delivered, so an event seen twice is sent once. A snapshot is stamped with
 * {@link PresenceStore#lastEventId()} read before the states, so a change racing the snapshot is at
 * worst sent again as an event, never lost.
 *
 * <p>Used from the connection's event loop only.
 */
public final class PresenceFeed {
  /** Live events held back while the store is read; more means the read is stuck: drop the client. */
  static final int MAX_HELD_BACK = 10_000;

  /** Where a feed's output goes: the channel renders and writes it. */
  public interface Sink {
    /** Current state of the filter's people, as of event {@code eventId}. */
    void snapshot(String eventId, Buffer envelope);

    /** The resume id cannot be served (unknown, malformed, too old): a snapshot follows. */
    void reset();

    /** A live or replayed event, in order, not yet filtered. */
    void event(PresenceEvent event);

    /** The feed cannot keep up (too many events held back): close the connection. */
    void overflow();
  }

  private final Vertx vertx;
  private final PresenceStore store;
  private final ChannelMetrics metrics;
  private final int maxReplay;
  private final PresenceFilter filter;
  private final Sink sink;
  private LiveFanOut live;
  private List<PresenceEvent> heldBack = new ArrayList<>();
  private EventId last;
  private boolean closed;

  public PresenceFeed(Vertx vertx, PresenceStore store, ChannelMetrics metrics, int maxReplay, PresenceFilter filter, Sink sink) {
    this.vertx = vertx;
    this.store = store;
    this.metrics = metrics;
    this.maxReplay = maxReplay;
    this.filter = filter;
    this.sink = sink;
  }

  /** Subscribes, then sends a snapshot ({@code since} null) or the events after {@code since}; then live. */
  public Future<Void> start(String since) {
    live = LiveFanOut.onThisLoop(vertx);
    metrics.consumerRegistered();
    return live.add(this)
        .compose(v -> since == null ? snapshot() : resume(since))
        .onSuccess(v -> goLive());
  }

  /** Leaves the live fan-out. Idempotent; nothing is delivered after it. */
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    heldBack = null;
    if (live != null) {
      live.remove(this);
      metrics.consumerUnregistered();
    }
  }

  /** Id of the newest event delivered (or covered by the snapshot), null before the first. */
  public String lastEventId() {
    return last == null ? null : last.toString();
  }

  /** A live event from this loop's {@link LiveFanOut}, its id parsed once for every feed. */
  void onLive(PresenceEvent event, EventId id) {
    if (closed) {
      return;
    }
    if (heldBack == null) {
      deliver(event, id);
    } else if (heldBack.size() < MAX_HELD_BACK) {
      heldBack.add(event);
    } else {
      sink.overflow();
    }
  }

  private Future<Void> snapshot() {
    return store.lastEventId().compose(id -> store.states().map(states -> {
      if (!closed) {
        last = EventId.parse(id).orElse(null);
        sink.snapshot(id, snapshotEnvelope(states, filter));
      }
      return null;
    }));
  }

  private Future<Void> resume(String since) {
    metrics.resumed();
    return store.replayAfter(since, maxReplay).compose(replay -> {
      if (closed) {
        return Future.succeededFuture();
      }
      if (replay.gap()) {
        metrics.reset();
        sink.reset();
        return snapshot();
      }
      last = EventId.parse(since).orElse(null);
      replay.events().forEach(this::deliver);
      return Future.succeededFuture();
    });
  }

  private void goLive() {
    List<PresenceEvent> held = heldBack;
    heldBack = null;
    if (held != null && !closed) {
      held.forEach(this::deliver);
    }
  }

  private void deliver(PresenceEvent event) {
    deliver(event, EventId.parse(event.id()).orElse(null));
  }

  private void deliver(PresenceEvent event, EventId id) {
    if (closed) {
      return;
    }
    if (id == null || (last != null && id.compareTo(last) <= 0)) {
      return; // already covered by the snapshot or the replay
    }
    last = id;
    sink.event(event);
  }

  /** A snapshot in the read API's shape: the filter's people sorted by id, timestamp = now. */
  public static Buffer snapshotEnvelope(Map<String, PersonState> states, PresenceFilter filter) {
    List<PersonState> items = states.values().stream().filter(filter).sorted(Comparator.comparing(PersonState::id)).toList();
    String orgId = items.isEmpty() ? "" : items.get(0).orgId();
    return Buffer.buffer(Envelope.write(orgId, Timestamps.format(Instant.now()), items));
  }
}
