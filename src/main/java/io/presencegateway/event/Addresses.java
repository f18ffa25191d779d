package io.presencegateway.event;

/** Event bus addresses, all local to one instance (the cluster shares the store, not the bus). */
public final class Addresses {
  /**
   * Publish, payload {@link PresenceEvent} (local codec, never copied): every event of the event
   * log, once, in order, from the log relay to the SSE and WebSocket channels of this instance.
   */
  public static final String PRESENCE_CHANGES = "presence.changes";

  private Addresses() {
  }
}
