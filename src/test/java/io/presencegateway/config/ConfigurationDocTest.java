package io.presencegateway.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/CONFIGURATION.md is generated from {@link Setting}; this fails when they drift apart.
 * Regenerate with {@code mvn test -Dtest=ConfigurationDocTest -Ddocs.regenerate=true}.
 */
class ConfigurationDocTest {
  private static final Path DOC = Path.of("docs/CONFIGURATION.md");

  static String render() {
    StringBuilder md = new StringBuilder();
    md.append("# Configuration reference\n\n")
        .append("Every setting is a key of `config.json` (or of the file given with `-conf`) and an environment\n")
        .append("variable of the same name; the environment wins over the file, the file over the default. A\n")
        .append("missing or broken `-conf` file, unknown keys in the file and bad values stop the start (exit code\n")
        .append("2) with one line naming the setting. Durations take ms, s, m, h or d and are 0 to 365 days.\n")
        .append("Generated from `Setting.java`.\n\n")
        .append("| setting (env) | default | meaning |\n|---|---|---|\n");
    for (Setting s : Setting.values()) {
      String def = s.defaultValue().isEmpty() ? "(empty)" : "`" + s.defaultValue() + "`";
      md.append("| `").append(s.name()).append("` | ").append(def).append(" | ")
          .append(s.description().replace("|", "\\|")).append(" |\n");
    }
    return md.toString();
  }

  @Test
  void referenceMatchesTheTypedSettings() throws Exception {
    if (Boolean.getBoolean("docs.regenerate")) {
      Files.writeString(DOC, render());
    }
    assertThat(Files.readString(DOC)).as("docs/CONFIGURATION.md is stale: regenerate it (see this test's javadoc)")
        .isEqualTo(render());
  }
}
