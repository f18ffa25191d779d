package io.presencegateway.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Setting values before validation, layered: built-in defaults, then the JSON config (file or
 * {@code -conf}), then environment variables. Knows nothing of types; {@link GatewayConfig} parses.
 */
public final class RawSettings {
  private final Map<Setting, Object> values;

  private RawSettings(Map<Setting, Object> values) {
    this.values = values;
  }

  public static RawSettings defaults() {
    Map<Setting, Object> values = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      values.put(s, s.defaultValue());
    }
    return new RawSettings(values);
  }

  /** Layers a JSON config on top; an unknown key is refused so that a typo cannot pass silently. */
  public RawSettings withJson(JsonObject json) {
    Set<String> known = names();
    Map<Setting, Object> next = new EnumMap<>(values);
    for (String key : json.fieldNames()) {
      if (!known.contains(key)) {
        throw new ConfigException("config: unknown setting '" + key + "' (known: see docs/CONFIGURATION.md)");
      }
      Object value = json.getValue(key);
      next.put(Setting.valueOf(key), value == null ? "" : value);
    }
    return new RawSettings(next);
  }

  /** Layers environment variables on top: a variable named like a setting overrides it. */
  public RawSettings withEnv(Map<String, String> env) {
    Map<Setting, Object> next = new EnumMap<>(values);
    for (Setting s : Setting.values()) {
      String value = env.get(s.name());
      if (value != null) {
        next.put(s, value);
      }
    }
    return new RawSettings(next);
  }

  public RawSettings with(Setting setting, Object value) {
    Map<Setting, Object> next = new EnumMap<>(values);
    next.put(setting, value);
    return new RawSettings(next);
  }

  String text(Setting s) {
    Object v = values.get(s);
    if (v instanceof JsonArray || v instanceof JsonObject) {
      return v.toString();
    }
    return String.valueOf(v).trim();
  }

  Object raw(Setting s) {
    return values.get(s);
  }

  /** All values as JSON (for -conf round-trips and tests). */
  public JsonObject toJson() {
    JsonObject json = new JsonObject();
    values.forEach((k, v) -> json.put(k.name(), v));
    return json;
  }

  private static Set<String> names() {
    return java.util.Arrays.stream(Setting.values()).map(Enum::name).collect(Collectors.toSet());
  }

  static <T> T parse(RawSettings raw, Setting s, Function<String, T> parser) {
    return parser.apply(raw.text(s));
  }
}
