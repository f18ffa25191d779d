package io.presencegateway.http;

import io.presencegateway.event.PresenceEvent;
import io.presencegateway.event.PresenceFilter;
import io.vertx.core.buffer.Buffer;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The wire form of an event (an SSE frame, a WebSocket message) for one filter, built once and
 * shared by every connection of this event loop with an equal filter: fan-out to thousands of
 * unfiltered clients costs one serialisation, not one per client. One cache per channel per HTTP
 * verticle instance, used from that instance's event loop only (not thread-safe, by design).
 * Keeps the newest few events only; a resume of older events simply renders again.
 *
 * @param <T> the wire form
 */
public final class FrameCache<T> {
  private static final int EVENTS_KEPT = 8;
  private static final Object NOTHING = new Object();

  private final BiFunction<PresenceEvent, Buffer, T> render;
  private final Map<String, Map<Key, Object>> byEvent = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Map<Key, Object>> eldest) {
      return size() > EVENTS_KEPT;
    }
  };

  /** @param render event + its envelope for the filter → wire form */
  public FrameCache(BiFunction<PresenceEvent, Buffer, T> render) {
    this.render = render;
  }

  /** A filter with its hash computed once per connection instead of once per event. */
  public static final class Key {
    private final PresenceFilter filter;
    private final int hash;

    public Key(PresenceFilter filter) {
      this.filter = filter;
      this.hash = filter.hashCode();
    }

    public PresenceFilter filter() {
      return filter;
    }

    @Override
    public boolean equals(Object o) {
      return o == this || (o instanceof Key k && k.hash == hash && k.filter.equals(filter));
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** The wire form of {@code event} for the filter, or null when the filter keeps none of its items. */
  @SuppressWarnings("unchecked")
  public T get(PresenceEvent event, Key key) {
    Map<Key, Object> forEvent = byEvent.computeIfAbsent(event.id(), id -> new HashMap<>());
    Object wire = forEvent.get(key);
    if (wire == null) {
      Buffer envelope = key.filter.acceptsAll() ? event.envelope() : event.envelope(key.filter);
      wire = envelope == null ? NOTHING : render.apply(event, envelope);
      forEvent.put(key, wire);
    }
    return wire == NOTHING ? null : (T) wire;
  }
}
