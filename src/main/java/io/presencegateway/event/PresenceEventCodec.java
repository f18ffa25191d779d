package io.presencegateway.event;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Local-only codec: {@code transform} hands every consumer the same immutable instance instead of a
 * copy, so fan-out to thousands of connections costs no per-consumer allocation.
 */
public final class PresenceEventCodec implements MessageCodec<PresenceEvent, PresenceEvent> {
  public static final String NAME = "presence-event-local";

  @Override
  public void encodeToWire(Buffer buffer, PresenceEvent event) {
    throw new UnsupportedOperationException("presence events never leave the JVM on the bus");
  }

  @Override
  public PresenceEvent decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException("presence events never leave the JVM on the bus");
  }

  @Override
  public PresenceEvent transform(PresenceEvent event) {
    return event;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
