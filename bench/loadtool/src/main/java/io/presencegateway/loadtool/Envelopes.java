package io.presencegateway.loadtool;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Reads what the benchmark needs out of an event envelope (PRODUCT.md §4) without a JSON tree:
 * the detection {@code timestamp} and an event key. Fan-out means tens of thousands of messages a
 * second on the load tool's one core, so this scans for fixed field names instead of parsing.
 *
 * <p>An event key is one {@code long} that orders events: for the gateway it is the event id
 * {@code <millis>-<seq>} packed as {@code millis << 12 | seq}; for Nchan it is the publisher's
 * sequence number, carried in the last 12 hex digits of the (synthetic) person id's UUID, so that
 * the body keeps exactly the gateway's shape and size.
 */
final class Envelopes {
  static final long NONE = -1;
  private static final String TIMESTAMP_FIELD = "\"timestamp\":\"";
  private static final String ITEM_ID_FIELD = "\"items\":[{\"id\":\"";
  private static final int SEQ_BITS = 12;
  private static final int TIMESTAMP_LENGTH = "2025-08-15T16:42:29.315Z".length();

  private Envelopes() {
  }

  /**
   * Epoch millis of the envelope's {@code timestamp} (UTC, {@code yyyy-MM-ddTHH:mm:ss.SSSZ}), or
   * {@link #NONE}. The envelope's timestamp is its last field and no item has one, so the last
   * occurrence is the right one, also inside a WebSocket message that wraps the envelope.
   */
  static long timestampMillis(String json) {
    int at = json.lastIndexOf(TIMESTAMP_FIELD);
    if (at < 0 || at + TIMESTAMP_FIELD.length() + TIMESTAMP_LENGTH > json.length()) {
      return NONE;
    }
    return parseUtcMillis(json, at + TIMESTAMP_FIELD.length());
  }

  /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} at {@code p} as epoch millis, or {@link #NONE} if it is not that. */
  static long parseUtcMillis(String s, int p) {
    if (s.charAt(p + 4) != '-' || s.charAt(p + 7) != '-' || s.charAt(p + 10) != 'T' || s.charAt(p + 13) != ':'
        || s.charAt(p + 16) != ':' || s.charAt(p + 19) != '.' || s.charAt(p + 23) != 'Z') {
      return NONE;
    }
    int year = digits(s, p, 4);
    int month = digits(s, p + 5, 2);
    int day = digits(s, p + 8, 2);
    int hour = digits(s, p + 11, 2);
    int minute = digits(s, p + 14, 2);
    int second = digits(s, p + 17, 2);
    int millis = digits(s, p + 20, 3);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || minute < 0 || second < 0 || millis < 0) {
      return NONE;
    }
    long days = daysFromCivil(year, month, day);
    return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis;
  }

  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (the well-known era-based algorithm). */
  private static long daysFromCivil(int year, int month, int day) {
    int y = month <= 2 ? year - 1 : year;
    int era = Math.floorDiv(y, 400);
    int yoe = y - era * 400;
    int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097L + doe - 719_468;
  }

  /** The gateway's event id {@code <millis>-<seq>} as a key, or {@link #NONE}. */
  static long eventIdKey(String id) {
    if (id == null) {
      return NONE;
    }
    int dash = id.indexOf('-');
    if (dash <= 0 || dash == id.length() - 1) {
      return NONE;
    }
    try {
      long millis = Long.parseLong(id, 0, dash, 10);
      long seq = Long.parseLong(id, dash + 1, id.length(), 10);
      return seq >= (1L << SEQ_BITS) || millis < 0 ? NONE : (millis << SEQ_BITS) | seq;
    } catch (NumberFormatException e) {
      return NONE;
    }
  }

  /** The event id a key was made from (to resume after it). */
  static String eventId(long key) {
    return (key >>> SEQ_BITS) + "-" + (key & ((1L << SEQ_BITS) - 1));
  }

  /** The publisher's sequence number, from the first item's person id (see {@link BodyTemplate}), or {@link #NONE}. */
  static long publisherSeq(String json) {
    int at = json.indexOf(ITEM_ID_FIELD);
    if (at < 0) {
      return NONE;
    }
    int from = at + ITEM_ID_FIELD.length();
    int to = json.indexOf('"', from);
    if (to < 0) {
      return NONE;
    }
    try {
      String decoded = new String(Base64.getDecoder().decode(json.substring(from, to)), StandardCharsets.US_ASCII);
      return Long.parseLong(decoded, decoded.length() - 12, decoded.length(), 16);
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return NONE;
    }
  }
}
