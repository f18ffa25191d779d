package io.presencegateway.event;

import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One detected change set: every person whose status or status message changed in one cycle, in
 * one org. Immutable and shared by every consumer on the local bus (see {@link PresenceEventCodec});
 * the full envelope is serialised once, lazily, and reused by every channel.
 */
public final class PresenceEvent {
  private final String id;
  private final String orgId;
  private final String timestamp;
  private final List<PersonState> items;
  private volatile Buffer envelope;

  public PresenceEvent(String id, String orgId, String timestamp, List<PersonState> items) {
    this.id = Objects.requireNonNull(id, "id");
    this.orgId = orgId;
    this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
    this.items = List.copyOf(items);
  }

  public String id() {
    return id;
  }

  public String orgId() {
    return orgId;
  }

  /** When the gateway detected the change (envelope format). */
  public String timestamp() {
    return timestamp;
  }

  public List<PersonState> items() {
    return items;
  }

  /** The seed-shaped envelope with every item; built once. */
  public Buffer envelope() {
    Buffer b = envelope;
    if (b == null) {
      b = Buffer.buffer(Envelope.write(orgId, timestamp, items));
      envelope = b;
    }
    return b;
  }

  /** The envelope with the items a filter accepts, or null when it accepts none. */
  public Buffer envelope(Predicate<PersonState> filter) {
    List<PersonState> kept = items.stream().filter(filter).toList();
    if (kept.isEmpty()) {
      return null;
    }
    return kept.size() == items.size() ? envelope() : Buffer.buffer(Envelope.write(orgId, timestamp, kept));
  }

  @Override
  public String toString() {
    return "PresenceEvent[" + id + ", " + items.size() + " item(s)]";
  }
}
