package io.presencegateway.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Layers defaults, a JSON config and the environment into a validated {@link GatewayConfig}.
 * The JSON config is what {@code -conf} gave, or else {@code ./config.json} when it exists; it is
 * read before Vert.x starts (see {@link io.presencegateway.Main}), never on an event loop.
 */
public final class ConfigLoader {
  public static final Path DEFAULT_FILE = Path.of("config.json");

  private ConfigLoader() {
  }

  public static GatewayConfig load(JsonObject json, Map<String, String> env) {
    return GatewayConfig.from(RawSettings.defaults().withJson(json == null ? new JsonObject() : json).withEnv(env));
  }

  /** The default config file's content, or an empty object when there is none. */
  public static JsonObject readDefaultFile() {
    if (!Files.isRegularFile(DEFAULT_FILE)) {
      return new JsonObject();
    }
    return readFile("config.json", DEFAULT_FILE);
  }

  /**
   * What {@code -conf VALUE} gives, read the way the launcher reads it (a file holding a JSON object,
   * or the JSON object itself), but strictly: a missing or unreadable file, or text that is not a JSON
   * object, is a configuration error instead of the launcher's warning and a start without the file.
   */
  public static JsonObject readConf(String value) {
    String v = value == null ? "" : value.trim();
    if (v.startsWith("{")) {
      try {
        return new JsonObject(v);
      } catch (DecodeException e) {
        throw new ConfigException("-conf: the inline JSON is not a valid JSON object" + where(e));
      }
    }
    if (v.isEmpty()) {
      throw new ConfigException("-conf: needs a file name (a JSON object of settings)");
    }
    Path file = Path.of(v);
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("-conf: no such file: " + v);
    }
    return readFile("-conf", file);
  }

  /** The {@code -conf} value among launcher arguments ({@code -conf X}, {@code --conf X}, {@code -conf=X}), or null. */
  public static String confArgument(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-conf") || a.equals("--conf")) {
        return i + 1 < args.length ? args[i + 1] : "";
      }
      if (a.startsWith("-conf=") || a.startsWith("--conf=")) {
        return a.substring(a.indexOf('=') + 1);
      }
    }
    return null;
  }

  /**
   * The interfaces to bind to must resolve: a host name that does not would otherwise fail the
   * bind with a stack trace. Resolves names (blocking): call before Vert.x starts, never on an event loop.
   */
  public static void requireResolvableHosts(GatewayConfig config) {
    resolvable(Setting.HTTP_HOST, config.http().host());
    if (config.source() == GatewayConfig.Source.SIMULATOR) {
      resolvable(Setting.SIMULATOR_HOST, config.simulator().host());
    }
  }

  private static void resolvable(Setting setting, String host) {
    try {
      InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new ConfigException(setting, "'" + host + "' cannot be resolved to an address "
          + "(use an IP address, e.g. 0.0.0.0 for every interface or 127.0.0.1 for loopback only)");
    }
  }

  private static JsonObject readFile(String what, Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(what + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw new ConfigException(what + ": " + file + " is not a valid JSON object" + where(e));
    }
  }

  /** Line and column of a JSON error; never the parser's message, which may quote a secret from the file. */
  private static String where(RuntimeException e) {
    Matcher m = LOCATION.matcher(String.valueOf(e.getMessage()));
    return m.find() ? " (line " + m.group(1) + ", column " + m.group(2) + ")" : "";
  }

  private static final Pattern LOCATION = Pattern.compile("line: (\\d+), column: (\\d+)");
}
