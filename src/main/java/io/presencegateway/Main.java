package io.presencegateway;

import io.presencegateway.config.ConfigException;
import io.presencegateway.config.ConfigLoader;
import io.vertx.core.Deployable;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;

import java.util.function.Supplier;

/**
 * Entry point: the Vert.x 5 launcher ({@code -conf FILE} and the usual options) with two additions:
 * without {@code -conf}, {@code ./config.json} is used when present, and a configuration error ends
 * the start with one line naming the setting instead of a stack trace.
 */
public final class Main extends VertxApplication {

  private Main(String[] args) {
    super(args, new Hooks());
  }

  public static void main(String[] args) {
    int code = new Main(args).launch();
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The launcher finds {@code Main-Verticle} in the manifest whose {@code Main-Class} is this class. */
  private static final class Hooks implements VertxApplicationHooks {

    /** The gateway is always the main verticle, also when started from classes rather than the jar. */
    @Override
    public Supplier<? extends Deployable> verticleSupplier() {
      return MainVerticle::new;
    }

  @Override
  public JsonObject afterConfigParsed(JsonObject config) {
    if (config != null && !config.isEmpty()) {
      return config;
    }
    try {
      return ConfigLoader.readDefaultFile();
    } catch (ConfigException e) {
      return fail(e);
    }
  }

  @Override
  public void afterFailureToDeployVerticle(HookContext context, Throwable cause) {
    if (cause instanceof ConfigException) {
      fail((ConfigException) cause);
    }
  }

  }

  private static JsonObject fail(ConfigException e) {
    System.err.println("Configuration error: " + e.getMessage());
    System.exit(2);
    return null;
  }
}
