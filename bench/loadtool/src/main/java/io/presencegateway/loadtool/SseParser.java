package io.presencegateway.loadtool;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental {@code text/event-stream} parser (WHATWG HTML §9.2): bytes arrive in arbitrary
 * chunks; fields {@code id}, {@code event} and {@code data} are collected until the blank line
 * that dispatches an event. Comments and {@code retry} are skipped. One parser per connection,
 * used from that connection's event loop only.
 */
final class SseParser {
  /** What a dispatched event carries; {@code event} is null when the frame had no event field. */
  interface Listener {
    void onEvent(String event, String id, String data);
  }

  /** A line longer than this means the peer is not speaking SSE: the stream is failed. */
  private static final int MAX_LINE = 1 << 20;

  private final Listener listener;
  private byte[] line = new byte[512];
  private int length;
  private String event;
  private String id;
  private StringBuilder data;

  SseParser(Listener listener) {
    this.listener = listener;
  }

  void feed(Buffer chunk) {
    byte[] bytes = chunk.getBytes();
    for (byte b : bytes) {
      if (b == '\n') {
        endOfLine();
      } else {
        append(b);
      }
    }
  }

  private void append(byte b) {
    if (length == line.length) {
      if (length >= MAX_LINE) {
        throw new IllegalStateException("SSE line longer than " + MAX_LINE + " bytes");
      }
      line = Arrays.copyOf(line, length * 2);
    }
    line[length++] = b;
  }

  private void endOfLine() {
    int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
    length = 0;
    if (end == 0) {
      dispatch();
      return;
    }
    if (line[0] == ':') {
      return; // comment (heartbeat, Nchan's greeting)
    }
    int colon = indexOf(line, end, (byte) ':');
    String name = new String(line, 0, colon < 0 ? end : colon, StandardCharsets.UTF_8);
    int valueFrom = colon < 0 ? end : colon + 1;
    if (valueFrom < end && line[valueFrom] == ' ') {
      valueFrom++;
    }
    String value = new String(line, valueFrom, end - valueFrom, StandardCharsets.UTF_8);
    switch (name) {
      case "data" -> {
        if (data == null) {
          data = new StringBuilder(value.length());
        } else {
          data.append('\n');
        }
        data.append(value);
      }
      case "id" -> id = value;
      case "event" -> event = value;
      default -> { } // retry and unknown fields do not matter here
    }
  }

  private void dispatch() {
    if (data != null) {
      listener.onEvent(event, id, data.toString());
    }
    event = null;
    id = null;
    data = null;
  }

  private static int indexOf(byte[] bytes, int end, byte wanted) {
    for (int i = 0; i < end; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }
}
