package io.presencegateway.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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
    try {
      return new JsonObject(Files.readString(DEFAULT_FILE));
    } catch (IOException | DecodeException e) {
      throw new ConfigException("config.json: cannot be read as a JSON object (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
  }
}
