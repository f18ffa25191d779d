package io.presencegateway.loadtool;

/**
 * What kind of server is measured, and so how its messages look. The gateway sends
 * {@code event: user-presence} frames with {@code id:} = event id on SSE, and
 * {@code {"type":"user-presence","id":...,"data":<envelope>}} on WebSocket after a
 * {@code subscribe}; snapshots, resets, errors and pongs are not live events. Nchan sends the
 * published body as it is, on both transports; the key then comes from the body itself.
 */
enum Flavour {
  GATEWAY("/v1/presence/stream", "/v1/presence/ws", "{\"type\":\"subscribe\"}", true) {
    @Override
    Delivery fromSse(String event, String id, String data) {
      if (!LIVE.equals(event)) {
        return null;
      }
      return new Delivery(Envelopes.eventIdKey(id), Envelopes.timestampMillis(data), data.length());
    }

    @Override
    Delivery fromWs(String text) {
      if (!text.startsWith(WS_LIVE_PREFIX)) {
        return null;
      }
      int end = text.indexOf('"', WS_LIVE_PREFIX.length());
      String id = end < 0 ? null : text.substring(WS_LIVE_PREFIX.length(), end);
      return new Delivery(Envelopes.eventIdKey(id), Envelopes.timestampMillis(text), -1);
    }
  },

  NCHAN("/sub", "/sub", null, false) {
    @Override
    Delivery fromSse(String event, String id, String data) {
      return new Delivery(Envelopes.publisherSeq(data), Envelopes.timestampMillis(data), data.length());
    }

    @Override
    Delivery fromWs(String text) {
      return new Delivery(Envelopes.publisherSeq(text), Envelopes.timestampMillis(text), text.length());
    }
  };

  private static final String LIVE = "user-presence";
  /** The gateway writes the type first and the id second (ws.WsMessages), so a prefix test is exact. */
  private static final String WS_LIVE_PREFIX = "{\"type\":\"user-presence\",\"id\":\"";

  private final String ssePath;
  private final String wsPath;
  private final String wsSubscribe;
  private final boolean greets;

  Flavour(String ssePath, String wsPath, String wsSubscribe, boolean greets) {
    this.ssePath = ssePath;
    this.wsPath = wsPath;
    this.wsSubscribe = wsSubscribe;
    this.greets = greets;
  }

  /**
   * Whether every new subscriber gets a first message (the gateway's snapshot, sent once its feed
   * is registered): the run then waits for them before it weighs the connections.
   */
  boolean greetsOnConnect() {
    return greets;
  }

  static Flavour of(String name) {
    try {
      return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--flavour must be gateway or nchan, got '" + name + "'");
    }
  }

  String defaultSsePath() {
    return ssePath;
  }

  String defaultWsPath() {
    return wsPath;
  }

  /** The first message a WebSocket client sends, or null when the server streams without one. */
  String wsSubscribe() {
    return wsSubscribe;
  }

  /** A live event from an SSE frame, or null for frames that are not one (snapshot, reset). */
  abstract Delivery fromSse(String event, String id, String data);

  /** A live event from a WebSocket text message, or null for messages that are not one. */
  abstract Delivery fromWs(String text);
}
