package io.presencegateway.event;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Webex status values and the short aliases of the status-message API. Webex may add values without
 * notice, so any well-formed word is accepted; documented values are matched case-insensitively and
 * returned in Webex's own spelling.
 */
public final class StatusKinds {
  public static final List<String> DOCUMENTED = List.of(
      "active", "call", "DoNotDisturb", "inactive", "meeting", "OutOfOffice", "pending", "presenting", "unknown");
  private static final Map<String, String> ALIASES = Map.of(
      "avl", "active", "dnd", "DoNotDisturb", "busy", "unknown", "oof", "OutOfOffice");
  private static final Pattern WORD = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,39}");

  private StatusKinds() {
  }

  /** The canonical status for a value or alias; empty when it is not a plausible status word. */
  public static Optional<String> canonical(String value) {
    if (value == null || !WORD.matcher(value).matches()) {
      return Optional.empty();
    }
    String lower = value.toLowerCase(Locale.ROOT);
    String alias = ALIASES.get(lower);
    if (alias != null) {
      return Optional.of(alias);
    }
    return Optional.of(DOCUMENTED.stream().filter(d -> d.equalsIgnoreCase(value)).findFirst().orElse(value));
  }
}
