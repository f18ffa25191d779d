package io.presencegateway.http;

import io.presencegateway.event.Addresses;
import io.presencegateway.event.EventId;
import io.presencegateway.event.PresenceEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The live events of one event loop: a single event-bus consumer whose handler hands each event to
 * every feed open on that loop, in one task.
 *
 * <p>Why not one consumer per connection: the event bus delivers to each consumer separately (a
 * message copy and a task per consumer per event), which at 10,000 connections was most of the
 * fan-out's cost and its latency tail. Here an event costs one bus delivery per event loop, one id
 * parse, then a plain loop over the feeds, each writing the cached frame.
 *
 * <p>One instance per event-loop context, kept in the context's data; used from that context only.
 */
final class LiveFanOut {
  private static final String CONTEXT_KEY = LiveFanOut.class.getName();

  private final Set<PresenceFeed> feeds = new LinkedHashSet<>();
  private final MessageConsumer<PresenceEvent> consumer;
  private PresenceFeed[] snapshot;

  private LiveFanOut(Vertx vertx) {
    consumer = vertx.eventBus().localConsumer(Addresses.PRESENCE_CHANGES, message -> fanOut(message.body()));
  }

  /** The fan-out of the calling event loop, created on first use. */
  static LiveFanOut onThisLoop(Vertx vertx) {
    Context context = vertx.getOrCreateContext();
    LiveFanOut fanOut = context.get(CONTEXT_KEY);
    if (fanOut == null) {
      fanOut = new LiveFanOut(vertx);
      context.put(CONTEXT_KEY, fanOut);
    }
    return fanOut;
  }

  /** Adds a feed; live events reach it once the returned future completes (the consumer is registered). */
  Future<Void> add(PresenceFeed feed) {
    feeds.add(feed);
    snapshot = null;
    return consumer.completion();
  }

  /** Removes a feed; safe while an event is being fanned out (the loop runs over a copy). */
  void remove(PresenceFeed feed) {
    if (feeds.remove(feed)) {
      snapshot = null;
    }
  }

  private void fanOut(PresenceEvent event) {
    EventId id = EventId.parse(event.id()).orElse(null);
    if (id == null || feeds.isEmpty()) {
      return;
    }
    // A feed may close (slow client) or a connection open while we loop: iterate a copy, rebuilt
    // only when the set changed since the last event.
    PresenceFeed[] targets = snapshot;
    if (targets == null) {
      targets = feeds.toArray(new PresenceFeed[0]);
      snapshot = targets;
    }
    for (PresenceFeed feed : targets) {
      feed.onLive(event, id);
    }
  }
}
