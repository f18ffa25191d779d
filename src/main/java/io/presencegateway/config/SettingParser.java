package io.presencegateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Typed reads of {@link RawSettings}; every failure is a one-line {@link ConfigException}. Remembers
 * the setting read last, so that an unexpected failure can still name it ({@link #last()}).
 */
final class SettingParser {
  /** The longest delay any duration setting takes: far beyond any sensible value, far from overflowing. */
  static final Duration MAX_DURATION = Duration.ofDays(365);

  private final RawSettings raw;
  private Setting last;

  SettingParser(RawSettings raw) {
    this.raw = raw;
  }

  /** The setting read last (null before the first read). */
  Setting last() {
    return last;
  }

  String text(Setting s) {
    last = s;
    return raw.text(s);
  }

  int integer(Setting s, long min, long max) {
    String v = text(s);
    try {
      long n = Long.parseLong(v);
      if (n < min || n > max) {
        throw new ConfigException(s, "must be between " + min + " and " + max + ", got " + v);
      }
      return (int) n;
    } catch (NumberFormatException e) {
      if (v.matches("[+-]?[0-9]+")) {
        throw new ConfigException(s, "must be between " + min + " and " + max + ", got " + v);
      }
      throw new ConfigException(s, "must be an integer, got '" + v + "'");
    }
  }

  /** An interface to bind to: an IP literal or a host name (resolved when binding). */
  String host(Setting s) {
    String v = text(s);
    if (v.isEmpty()) {
      throw new ConfigException(s, "is required (e.g. 0.0.0.0 for every interface, 127.0.0.1 for loopback only)");
    }
    if (v.matches("[0-9.]+")) {
      String[] parts = v.split("\\.", -1);
      boolean ok = parts.length == 4;
      for (String part : parts) {
        ok = ok && !part.isEmpty() && part.length() <= 3 && Integer.parseInt(part) <= 255;
      }
      if (!ok) {
        throw new ConfigException(s, "'" + v + "' is not a valid IPv4 address");
      }
      return v;
    }
    if (!v.matches("[A-Za-z0-9.:%\\[\\]-]{1,253}")) {
      throw new ConfigException(s, "'" + v + "' is not an IP address or host name");
    }
    return v;
  }

  boolean bool(Setting s) {
    String v = text(s).toLowerCase(Locale.ROOT);
    switch (v) {
      case "true": case "yes": case "1": return true;
      case "false": case "no": case "0": case "": return false;
      default: throw new ConfigException(s, "must be true or false, got '" + v + "'");
    }
  }

  /** An absolute http(s) URL, or null when empty and {@code optional}. */
  URI httpUrl(Setting s, boolean optional) {
    String v = text(s);
    if (v.isEmpty()) {
      if (optional) {
        return null;
      }
      throw new ConfigException(s, "is required");
    }
    return httpUrl(s, v);
  }

  static URI httpUrl(Setting s, String v) {
    URI uri;
    try {
      uri = new URI(v);
    } catch (Exception e) {
      throw new ConfigException(s, "is not a valid URL: '" + v + "'");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ConfigException(s, "must be an http:// or https:// URL, got '" + v + "'");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ConfigException(s, "has no host: '" + v + "'");
    }
    return uri;
  }

  List<String> list(Setting s) {
    String v = text(s);
    if (v.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String part : v.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return List.copyOf(out);
  }

  /** A list of durations such as {@code 5s,5m,2h}. */
  List<Duration> durations(Setting s) {
    List<Duration> out = new ArrayList<>();
    for (String part : list(s)) {
      out.add(duration(s, part));
    }
    if (out.isEmpty()) {
      throw new ConfigException(s, "needs at least one delay, e.g. 5s,5m,30m");
    }
    return List.copyOf(out);
  }

  /** One delay: a whole number with ms, s, m, h or d; never negative, at most {@link #MAX_DURATION}. */
  static Duration duration(Setting s, String part) {
    String p = part.toLowerCase(Locale.ROOT);
    boolean millis = p.endsWith("ms");
    String number = p.isEmpty() ? "" : p.substring(0, p.length() - (millis ? 2 : 1));
    if (!number.matches("[+-]?[0-9]+")) {
      throw new ConfigException(s, "'" + part + "' is not a delay like 5s, 5m or 2h");
    }
    if (number.startsWith("-")) {
      throw new ConfigException(s, "'" + part + "' is negative: a delay is 0 or more");
    }
    char unit = millis ? 'M' : p.charAt(p.length() - 1); // 'M' = ms (the input is lower case)
    if ("Msmhd".indexOf(unit) < 0) {
      throw new ConfigException(s, "'" + part + "' is not a delay like 5s, 5m or 2h");
    }
    Duration d;
    try {
      long n = Long.parseLong(number);
      d = switch (unit) {
        case 'M' -> Duration.ofMillis(n);
        case 's' -> Duration.ofSeconds(n);
        case 'm' -> Duration.ofMinutes(n);
        case 'h' -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    } catch (NumberFormatException | ArithmeticException e) {
      d = null; // more than a long holds: far too long in any case
    }
    if (d == null || d.compareTo(MAX_DURATION) > 0) {
      throw new ConfigException(s, "'" + part + "' is too long: at most " + MAX_DURATION.toDays() + "d");
    }
    return d;
  }

  <E extends Enum<E>> E choice(Setting s, Class<E> type) {
    String v = text(s);
    try {
      return Enum.valueOf(type, v.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(s, "must be one of " + Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT)
          + ", got '" + v + "'");
    }
  }

  Object raw(Setting s) {
    last = s;
    return raw.raw(s);
  }
}
