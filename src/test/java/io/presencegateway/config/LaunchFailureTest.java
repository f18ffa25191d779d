package io.presencegateway.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Starts the real launcher in a child JVM: a bad setting ends it with one line, no stack trace. */
class LaunchFailureTest {

  @ParameterizedTest
  @CsvSource({
      "HTTP_PORT, abc, 'Configuration error: HTTP_PORT: must be an integer'",
      "SOURCE, carrier-pigeon, 'Configuration error: SOURCE: must be one of'",
      "WEBHOOK_URL, http//nope, 'Configuration error: WEBHOOK_URL:'",
      "WEBHOOK_RETRY_SCHEDULE, 99999999999999999d, 'Configuration error: WEBHOOK_RETRY_SCHEDULE: ''99999999999999999d'' is too long'",
      "REDIS_URL, redis://127.0.0.1:notaport, 'Configuration error: REDIS_URL: has no host, or a port that is not a number'",
      "HTTP_HOST, no-such-host.invalid, 'Configuration error: HTTP_HOST: ''no-such-host.invalid'' cannot be resolved'",
      "API_KEYS, ',', 'Configuration error: API_KEYS: holds no key'"
  })
  void badSettingStopsTheStartWithOneLine(String name, String value, String expected) throws Exception {
    java.util.Map<String, String> settings = new java.util.HashMap<>(java.util.Map.of("HTTP_PORT", "0", "SIMULATOR_PORT", "0"));
    settings.put(name, value);
    Launch launch = Launch.of(settings);
    assertThat(launch.exit()).isNotZero();
    assertThat(launch.lines()).as(launch.output()).hasSize(1);
    assertThat(launch.lines().get(0)).startsWith(expected);
    assertThat(launch.output()).doesNotContain("\tat ");
  }

  @Test
  void aMissingConfFileStopsTheStartWithOneLine() throws Exception {
    Launch launch = Launch.of(java.util.Map.of("HTTP_PORT", "0", "SIMULATOR_PORT", "0"), "-conf", "no-such-dir/gateway.json");
    assertThat(launch.exit()).isNotZero();
    assertThat(launch.lines()).as(launch.output()).containsExactly("Configuration error: -conf: no such file: no-such-dir/gateway.json");
  }

  @Test
  void aPortInUseStopsTheStartWithOneLineNamingTheSetting() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Launch launch = Launch.of(java.util.Map.of("HTTP_HOST", "127.0.0.1", "HTTP_PORT", Integer.toString(taken.getLocalPort()),
          "SIMULATOR_PORT", "0"));
      assertThat(launch.exit()).isNotZero();
      assertThat(launch.lines()).as(launch.output()).contains("Configuration error: HTTP_PORT: port " + taken.getLocalPort()
              + " is already in use: free it or choose another port with HTTP_PORT");
      assertThat(launch.output()).doesNotContain("\tat ").doesNotContain("Exception")
          .as("a failed start is not narrated as a shutdown").doesNotContain("Shutting down");
    }
  }

  /** The launcher run in a child JVM with only the given settings (none inherited), to its exit. */
  private record Launch(int exit, String output) {
    static Launch of(java.util.Map<String, String> settings, String... args) throws Exception {
      List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "io.presencegateway.Main"));
      command.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.environment().keySet().removeIf(Setting::isName);
      pb.environment().putAll(settings);
      Process process = pb.start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("launcher exits by itself").isTrue();
      return new Launch(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    List<String> lines() {
      return output.lines().filter(l -> !l.isBlank()).toList();
    }
  }
}
