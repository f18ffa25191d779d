package io.presencegateway.simulator;

import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Plausible next presence for a simulated person: people mostly go between active and inactive,
 * join calls and meetings from active, present inside meetings, and come back to active afterwards.
 * Chosen by a caller-supplied (seeded) Random so runs are repeatable.
 */
final class PresenceMoves {
  static final List<String> STATUSES =
      List.of("active", "inactive", "call", "meeting", "presenting", "DoNotDisturb", "OutOfOffice");

  private static final Map<String, List<String>> NEXT = Map.of(
      "active", List.of("inactive", "call", "call", "meeting", "meeting", "DoNotDisturb", "inactive"),
      "inactive", List.of("active", "active", "active", "OutOfOffice", "call"),
      "call", List.of("active", "active", "inactive", "meeting"),
      "meeting", List.of("active", "presenting", "presenting", "active", "call"),
      "presenting", List.of("meeting", "meeting", "active"),
      "DoNotDisturb", List.of("active", "active", "inactive"),
      "OutOfOffice", List.of("active", "inactive"));

  /** Initial mix: more people active or inactive than busy. */
  private static final List<String> INITIAL =
      List.of("active", "active", "active", "inactive", "inactive", "inactive", "call", "meeting", "DoNotDisturb",
          "OutOfOffice", "presenting");

  private PresenceMoves() {
  }

  static String initial(Random random) {
    return INITIAL.get(random.nextInt(INITIAL.size()));
  }

  /** A status different from {@code current}; unknown or odd statuses go back to active. */
  static String next(String current, Random random) {
    List<String> options = NEXT.getOrDefault(current, List.of("active"));
    return options.get(random.nextInt(options.size()));
  }
}
