package io.presencegateway.loadtool;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * Envelopes for the Nchan publisher in exactly the gateway's shape (PRODUCT.md §4): {@code items}
 * (as many as the gateway's events held on average) with a Webex-style person id, status, status
 * message, last activity and last modified, the org id and {@code timestamp} = the moment of
 * publishing. The publisher's sequence number is the last 12 hex digits of the first person id's
 * UUID, so the body carries it without an extra field; the first status message is padded so
 * that every body has the requested size (the gateway's median envelope).
 */
final class BodyTemplate {
  private static final DateTimeFormatter UTC_MILLIS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final String[] STATUSES = {"active", "inactive", "call", "meeting", "presenting", "DoNotDisturb"};
  private static final String ORG_ID = webexId("ORGANIZATION", "171117d6-8b82-44ca-98e9-ac1157f2cd1d");
  private static final String LAST_MODIFIED = "2025-06-05T13:24:42.790Z";

  private final int targetBytes;
  private final int items;

  /**
   * @param targetBytes body size to pad to; 0 or less than the unpadded size = no padding
   * @param items       items per envelope, at least 1
   */
  BodyTemplate(int targetBytes, int items) {
    if (items < 1 || items > 100) {
      throw new IllegalArgumentException("--items must be between 1 and 100, got " + items);
    }
    this.targetBytes = targetBytes;
    this.items = items;
  }

  int items() {
    return items;
  }

  String body(long seq, long nowMillis) {
    String now = UTC_MILLIS.format(Instant.ofEpochMilli(nowMillis));
    String unpadded = render(seq, "", now);
    int pad = Math.max(0, targetBytes - unpadded.getBytes(StandardCharsets.UTF_8).length);
    return pad == 0 ? unpadded : render(seq, "x".repeat(pad), now);
  }

  private String render(long seq, String padding, String now) {
    StringBuilder b = new StringBuilder(targetBytes + 64).append("{\"payload\":\"user-presence\",\"items\":[");
    for (int i = 0; i < items; i++) {
      // item 0 carries the sequence number; the others are distinct people of the same shape
      String uuid = String.format("a808befa-9138-461c-%04x-%012x", 0xb9af + i, seq);
      b.append(i == 0 ? "" : ",").append("{\"id\":\"").append(webexId("PEOPLE", uuid))
          .append("\",\"status\":\"").append(STATUSES[(int) ((seq + i) % STATUSES.length)])
          .append("\",\"statusMessage\":\"").append(i == 0 ? padding : "")
          .append("\",\"lastActivity\":\"").append(now).append("\",\"lastModified\":\"").append(LAST_MODIFIED).append("\"}");
    }
    return b.append("],\"orgId\":\"").append(ORG_ID).append("\",\"timestamp\":\"").append(now).append("\"}").toString();
  }

  /** A Webex id: unpadded base64 of {@code ciscospark://us/<TYPE>/<uuid>}, as the gateway's simulator makes them. */
  private static String webexId(String type, String uuid) {
    return Base64.getEncoder().withoutPadding()
        .encodeToString(("ciscospark://us/" + type + "/" + uuid).getBytes(StandardCharsets.US_ASCII));
  }
}
