package io.presencegateway.loadtool;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command line of the form {@code MODE --name value ...}. Every option is a name-value pair; an
 * option nobody asked for is an error at the end ({@link #rejectUnused()}), so a typo never runs a
 * benchmark with a silent default.
 */
final class Args {
  private final String mode;
  private final Map<String, String> values = new HashMap<>();
  private final Set<String> used = new HashSet<>();

  Args(String[] argv) {
    if (argv.length == 0 || argv[0].startsWith("--")) {
      throw new IllegalArgumentException("first argument must be the mode: run or publish");
    }
    mode = argv[0];
    for (int i = 1; i < argv.length; i += 2) {
      if (!argv[i].startsWith("--") || i + 1 >= argv.length) {
        throw new IllegalArgumentException("expected --name value, got '" + argv[i] + "'");
      }
      values.put(argv[i].substring(2), argv[i + 1]);
    }
  }

  String mode() {
    return mode;
  }

  String string(String name, String fallback) {
    used.add(name);
    return values.getOrDefault(name, fallback);
  }

  String required(String name) {
    String v = string(name, null);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }

  int integer(String name, int fallback) {
    String v = string(name, null);
    try {
      return v == null ? fallback : Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be an integer, got '" + v + "'");
    }
  }

  double decimal(String name, double fallback) {
    String v = string(name, null);
    try {
      return v == null ? fallback : Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be a number, got '" + v + "'");
    }
  }

  /** Comma-separated integers (e.g. pids); empty when absent. */
  List<Integer> integers(String name) {
    String v = string(name, "");
    if (v.isBlank()) {
      return List.of();
    }
    try {
      return java.util.Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Integer::valueOf).toList();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must be comma-separated integers, got '" + v + "'");
    }
  }

  void rejectUnused() {
    Set<String> unknown = new HashSet<>(values.keySet());
    unknown.removeAll(used);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException("unknown option(s): --" + String.join(", --", unknown));
    }
  }
}
