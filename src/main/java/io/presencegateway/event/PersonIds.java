package io.presencegateway.event;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Webex ids are base64 of {@code ciscospark://<region>/PEOPLE/<uuid>}, usually unpadded, sometimes
 * padded or URL-safe. Payloads keep the id exactly as given; people are compared by the UUID.
 */
public final class PersonIds {
  private static final Pattern HYDRA = Pattern.compile("ciscospark://([a-z0-9-]+)/(PEOPLE|ORGANIZATION)/([0-9a-fA-F-]{36})");

  private PersonIds() {
  }

  /** The lower-case UUID of a person id in any accepted encoding (or a bare UUID). */
  public static Optional<String> uuidOf(String id) {
    if (id == null || id.isBlank() || id.length() > 512) {
      return Optional.empty();
    }
    String trimmed = id.trim();
    if (isUuid(trimmed)) {
      return Optional.of(trimmed.toLowerCase(Locale.ROOT));
    }
    return decode(trimmed).map(HYDRA::matcher).filter(Matcher::matches)
        .filter(m -> m.group(2).equals("PEOPLE")).map(m -> m.group(3).toLowerCase(Locale.ROOT));
  }

  /** The key people are stored and compared under: the UUID, or the id itself if it has none. */
  public static String key(String id) {
    return uuidOf(id).orElse(id);
  }

  public static boolean isValid(String id) {
    return uuidOf(id).isPresent();
  }

  /** The unpadded standard base64 id Webex uses, for a region and UUID. */
  public static String personId(String region, UUID uuid) {
    return encode("ciscospark://" + region + "/PEOPLE/" + uuid);
  }

  public static String orgId(String region, UUID uuid) {
    return encode("ciscospark://" + region + "/ORGANIZATION/" + uuid);
  }

  private static String encode(String hydra) {
    return Base64.getEncoder().withoutPadding().encodeToString(hydra.getBytes(StandardCharsets.US_ASCII));
  }

  private static Optional<String> decode(String id) {
    String std = id.replace('-', '+').replace('_', '/');
    while (std.endsWith("=")) {
      std = std.substring(0, std.length() - 1);
    }
    try {
      return Optional.of(new String(Base64.getDecoder().decode(std), StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static boolean isUuid(String s) {
    if (s.length() != 36) {
      return false;
    }
    try {
      UUID.fromString(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
