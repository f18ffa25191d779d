package io.presencegateway.ops;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.presencegateway.config.Setting;
import io.vertx.core.json.JsonObject;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.util.Locale;
import java.util.Map;

/**
 * Makes {@code LOG_FORMAT} and {@code LOG_LEVEL} behave like every other setting (environment, then
 * config.json, then default) although logback reads its configuration before the config file is
 * known: the effective values become system properties (which logback reads before the
 * environment) and logback.xml is loaded again. Values are validated later with the rest of the
 * configuration; an unknown format falls back to text here so that the error can still be logged.
 */
public final class Logging {
  private Logging() {
  }

  public static void apply(JsonObject fileConfig, Map<String, String> env) {
    String format = effective(Setting.LOG_FORMAT, fileConfig, env).toLowerCase(Locale.ROOT);
    String level = effective(Setting.LOG_LEVEL, fileConfig, env).toUpperCase(Locale.ROOT);
    System.setProperty(Setting.LOG_FORMAT.name(), format.equals("json") ? "json" : "text");
    System.setProperty(Setting.LOG_LEVEL.name(), level);
    reload();
  }

  private static String effective(Setting s, JsonObject fileConfig, Map<String, String> env) {
    String fromEnv = env.get(s.name());
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.trim();
    }
    Object fromFile = fileConfig == null ? null : fileConfig.getValue(s.name());
    return fromFile == null ? s.defaultValue() : String.valueOf(fromFile).trim();
  }

  private static void reload() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    URL xml = Logging.class.getClassLoader().getResource("logback.xml");
    if (xml == null) {
      return;
    }
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(xml);
    } catch (JoranException e) {
      System.err.println("Logging configuration could not be reloaded: " + e.getMessage());
    }
  }
}
