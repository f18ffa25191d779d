package io.presencegateway.event;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Webex ids are base64 of {@code ciscospark://<region>/PEOPLE/<uuid>}, usually unpadded, sometimes
 * padded or URL-safe. Payloads keep the id exactly as given; people are compared by the UUID.
 */
public final class PersonIds {
  private static final String SCHEME = "ciscospark://";
  private static final String PEOPLE = "PEOPLE/";
  private static final int UUID_LENGTH = 36;

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
    return decode(trimmed).map(PersonIds::peopleUuid);
  }

  /**
   * The UUID of {@code ciscospark://<region>/PEOPLE/<uuid>} (region of {@code [a-z0-9-]}), or null.
   * Parsed by hand, not by a regular expression: every poll cycle keys every person of the org
   * through here, 100,000 times a cycle for a large org.
   */
  private static String peopleUuid(String hydra) {
    if (!hydra.startsWith(SCHEME)) {
      return null;
    }
    int slash = hydra.indexOf('/', SCHEME.length());
    if (slash <= SCHEME.length() || !onlyChars(hydra, SCHEME.length(), slash, false)
        || !hydra.startsWith(PEOPLE, slash + 1)) {
      return null;
    }
    int uuidStart = slash + 1 + PEOPLE.length();
    if (hydra.length() - uuidStart != UUID_LENGTH || !onlyChars(hydra, uuidStart, hydra.length(), true)) {
      return null;
    }
    return hydra.substring(uuidStart).toLowerCase(Locale.ROOT);
  }

  /** Region characters {@code [a-z0-9-]}, or (uuid) {@code [0-9a-fA-F-]}, from {@code from} to {@code to}. */
  private static boolean onlyChars(String s, int from, int to, boolean uuid) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || c == '-' || (c >= 'a' && c <= (uuid ? 'f' : 'z'))
          || (uuid && c >= 'A' && c <= 'F');
      if (!ok) {
        return false;
      }
    }
    return true;
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
