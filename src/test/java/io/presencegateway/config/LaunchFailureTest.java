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
    ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.presencegateway.Main"))
        .redirectErrorStream(true);
    pb.environment().keySet().removeIf(Setting::isName);
    pb.environment().put(name, value);
    pb.environment().put("HTTP_PORT".equals(name) ? "SIMULATOR_PORT" : "HTTP_PORT", "0");
    pb.environment().put("SIMULATOR_PORT", "0");
    Process process = pb.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("launcher exits by itself").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    assertThat(process.exitValue()).isNotZero();
    assertThat(lines).as(output).hasSize(1);
    assertThat(lines.get(0)).startsWith(expected);
    assertThat(output).doesNotContain("\tat ");
  }

  @Test
  void aMissingConfFileStopsTheStartWithOneLine() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "io.presencegateway.Main", "-conf", "no-such-dir/gateway.json"))
        .redirectErrorStream(true);
    pb.environment().keySet().removeIf(Setting::isName);
    pb.environment().put("HTTP_PORT", "0");
    pb.environment().put("SIMULATOR_PORT", "0");
    Process process = pb.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("launcher exits by itself").isTrue();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    assertThat(process.exitValue()).isNotZero();
    assertThat(lines).as(output).containsExactly("Configuration error: -conf: no such file: no-such-dir/gateway.json");
  }

  @Test
  void aPortInUseStopsTheStartWithOneLineNamingTheSetting() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", System.getProperty("java.class.path"), "io.presencegateway.Main")).redirectErrorStream(true);
      pb.environment().keySet().removeIf(Setting::isName);
      pb.environment().put("HTTP_HOST", "127.0.0.1");
      pb.environment().put("HTTP_PORT", Integer.toString(taken.getLocalPort()));
      pb.environment().put("SIMULATOR_PORT", "0");
      Process process = pb.start();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("launcher exits by itself").isTrue();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
      assertThat(process.exitValue()).isNotZero();
      assertThat(lines).as(output).contains("Configuration error: HTTP_PORT: port " + taken.getLocalPort()
              + " is already in use: free it or choose another port with HTTP_PORT");
      assertThat(output).doesNotContain("\tat ").doesNotContain("Exception");
    }
  }
}
