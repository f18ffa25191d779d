package io.presencegateway;

import io.presencegateway.config.ConfigException;
import io.presencegateway.config.ConfigLoader;
import io.presencegateway.config.Setting;
import io.presencegateway.metrics.GatewayMetrics;
import io.presencegateway.ops.Logging;
import io.vertx.core.Deployable;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.launcher.application.HookContext;
import io.vertx.launcher.application.VertxApplication;
import io.vertx.launcher.application.VertxApplicationHooks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Entry point: the Vert.x 5 launcher ({@code -conf FILE} and the usual options) with these
 * additions: without {@code -conf}, {@code ./config.json} is used when present; a missing or broken
 * {@code -conf} file, any bad setting and a host name that does not resolve end the start (exit 2)
 * with one line naming the setting instead of a warning or a stack trace; Vert.x reports
 * its HTTP server/client metrics into the Prometheus registry served at {@code /metrics}; and on
 * SIGTERM the gateway shuts down in order ({@link MainVerticle#shutdown()}) before Vert.x closes,
 * with the process ending within {@code SHUTDOWN_TIMEOUT_MS} whatever happens.
 */
public final class Main extends VertxApplication {

  private Main(String[] args) {
    super(args, new Hooks());
  }

  public static void main(String[] args) {
    String conf = ConfigLoader.confArgument(args);
    if (conf != null) {
      try {
        ConfigLoader.readConf(conf); // the launcher only warns about a bad -conf and starts without it
      } catch (ConfigException e) {
        fail(e);
      }
    }
    int code = new Main(args).launch();
    if (code != 0) {
      System.exit(code);
    }
  }

  /** The launcher finds {@code Main-Verticle} in the manifest whose {@code Main-Class} is this class. */
  private static final class Hooks implements VertxApplicationHooks {
    /** Time left after the orderly shutdown for Vert.x itself to close before the process is halted. */
    private static final long CLOSE_MARGIN_MS = 5_000;
    private volatile MainVerticle main;

    /** The gateway is always the main verticle, also when started from classes rather than the jar. */
    @Override
    public Supplier<? extends Deployable> verticleSupplier() {
      return () -> {
        main = new MainVerticle();
        return main;
      };
    }

    @Override
    public JsonObject afterConfigParsed(JsonObject config) {
      JsonObject effective = config;
      if (effective == null || effective.isEmpty()) {
        try {
          effective = ConfigLoader.readDefaultFile();
        } catch (ConfigException e) {
          return fail(e);
        }
      }
      // the whole configuration, checked before Vert.x starts: a bad value is one line and exit 2,
      // and host names are resolved here (blocking is fine on the launcher thread, not on an event loop)
      try {
        ConfigLoader.requireResolvableHosts(ConfigLoader.load(effective, System.getenv()));
      } catch (ConfigException e) {
        return fail(e);
      }
      Logging.apply(effective, System.getenv());
      return effective;
    }

    /** Vert.x metrics must be chosen when Vert.x is created: see {@link GatewayMetrics#vertxBuilder}. */
    @Override
    public VertxBuilder createVertxBuilder(VertxOptions options) {
      return GatewayMetrics.vertxBuilder(options);
    }

    @Override
    public void afterFailureToDeployVerticle(HookContext context, Throwable cause) {
      if (cause instanceof ConfigException) {
        fail((ConfigException) cause);
      }
    }

    /**
     * Runs on the launcher's shutdown-hook thread (SIGTERM, SIGINT), never on an event loop, so it
     * may wait for the orderly shutdown; a watchdog halts the process if closing still hangs.
     */
    @Override
    public void beforeStoppingVertx(HookContext context) {
      MainVerticle gateway = main;
      long bound = gateway != null && gateway.services() != null
          ? gateway.services().config().ops().shutdownTimeoutMs()
          : Long.parseLong(Setting.SHUTDOWN_TIMEOUT_MS.defaultValue());
      startWatchdog(bound + CLOSE_MARGIN_MS);
      if (gateway == null) {
        return;
      }
      try {
        gateway.shutdown().toCompletionStage().toCompletableFuture().get(bound + 1_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        log().warn("Orderly shutdown did not complete: {}", e.toString());
      }
    }

    private static void startWatchdog(long afterMs) {
      Thread watchdog = new Thread(() -> {
        try {
          Thread.sleep(afterMs);
        } catch (InterruptedException e) {
          return;
        }
        System.err.println("Shutdown took longer than " + afterMs + " ms: halting");
        Runtime.getRuntime().halt(1);
      }, "shutdown-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
    }

    private static Logger log() {
      return LoggerFactory.getLogger(Main.class);
    }
  }

  private static JsonObject fail(ConfigException e) {
    System.err.println("Configuration error: " + e.getMessage());
    System.exit(2);
    return null;
  }
}
