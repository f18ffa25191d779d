package io.presencegateway.config;

/** A setting has a bad value; the message is one line naming the setting and what is wrong. */
public class ConfigException extends RuntimeException {
  public ConfigException(Setting setting, String problem) {
    super(setting.name() + ": " + problem);
  }

  public ConfigException(String message) {
    super(message);
  }
}
