package io.presencegateway.sse;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * The {@code text/event-stream} wire format (WHATWG HTML §9.2): fields {@code id}, {@code event},
 * {@code retry}, one {@code data:} line per line of the value, comments, a blank line ending each
 * frame. Values never carry a raw line break into a field that cannot hold one.
 */
public final class SseFrame {
  private final StringBuilder text = new StringBuilder(128);

  private SseFrame() {
  }

  public static SseFrame create() {
    return new SseFrame();
  }

  public SseFrame id(String id) {
    return field("id", singleLine(id));
  }

  public SseFrame event(String name) {
    return field("event", singleLine(name));
  }

  /** Every line of {@code value} gets its own {@code data:} line; the client joins them with LF. */
  public SseFrame data(String value) {
    for (String line : value.split("\r\n|\r|\n", -1)) {
      field("data", line);
    }
    return this;
  }

  public SseFrame retry(long millis) {
    return field("retry", Long.toString(millis));
  }

  /** A comment line, ignored by clients: heartbeats and notes. */
  public SseFrame comment(String note) {
    text.append(':').append(' ').append(singleLine(note)).append('\n');
    return this;
  }

  /** The frame, terminated by the blank line that makes the client dispatch it. */
  public Buffer toBuffer() {
    return Buffer.buffer(toString().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return text + "\n";
  }

  private SseFrame field(String name, String value) {
    text.append(name).append(':').append(' ').append(value).append('\n');
    return this;
  }

  private static String singleLine(String value) {
    return value.replace('\r', ' ').replace('\n', ' ');
  }

  /** One event frame around an already-serialised JSON body (which holds no raw line break). */
  public static Buffer event(String id, String name, Buffer json) {
    Buffer out = Buffer.buffer(json.length() + 64);
    if (id != null) {
      out.appendString("id: ").appendString(singleLine(id)).appendString("\n");
    }
    return out.appendString("event: ").appendString(name).appendString("\ndata: ").appendBuffer(json).appendString("\n\n");
  }
}
