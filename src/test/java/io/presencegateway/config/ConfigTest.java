package io.presencegateway.config;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigTest {
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private static GatewayConfig load(Map<String, String> env) {
    return ConfigLoader.load(new JsonObject(), env);
  }

  @Test
  void defaultsAreTheEmbeddedSetup() {
    GatewayConfig c = load(Map.of());
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.source()).isEqualTo(GatewayConfig.Source.SIMULATOR);
    assertThat(c.webex().baseUrl().toString()).isEqualTo("https://webexapis.com/v1");
    assertThat(c.webex().watch().org()).isTrue();
    assertThat(c.poll().intervalMs()).isEqualTo(3000);
    assertThat(c.simulator().people()).isEqualTo(25);
    assertThat(c.store().redis()).isFalse();
    assertThat(c.webhooks().allowPrivateTargets()).isFalse();
    assertThat(c.webhooks().retrySchedule()).startsWith(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30));
  }

  @Test
  void environmentOverridesTheFileWhichOverridesDefaults() {
    JsonObject file = new JsonObject().put("HTTP_PORT", 9000).put("POLL_INTERVAL_MS", 1000);
    GatewayConfig c = ConfigLoader.load(file, Map.of("HTTP_PORT", "9100"));
    assertThat(c.http().port()).isEqualTo(9100);
    assertThat(c.poll().intervalMs()).isEqualTo(1000);
  }

  @Test
  void theTopLevelConfigFileHoldsEverySettingAndNothingElse() throws Exception {
    JsonObject file = new JsonObject(java.nio.file.Files.readString(java.nio.file.Path.of("config.json")));
    assertThat(file.fieldNames()).containsExactlyInAnyOrderElementsOf(
        java.util.Arrays.stream(Setting.values()).map(Enum::name).toList());
    assertThat(ConfigLoader.load(file, Map.of())).isEqualTo(load(Map.of()));
  }

  @Test
  void watchListAndWebhookReceiver() {
    String id = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9hODA4YmVmYS05MTM4LTQ2MWMtYjlhZi0zOTJjNzg0ZTBjMWE";
    GatewayConfig c = load(Map.of("SOURCE", "webex", "WEBEX_TOKEN", "t0ken", "WEBEX_WATCH", id + ", " + id,
        "WEBHOOK_URL", "https://hooks.example.com/presence", "WEBHOOK_SECRET", SECRET));
    assertThat(c.webex().watch().org()).isFalse();
    assertThat(c.webex().watch().ids()).containsExactly(id, id);
    assertThat(c.webhooks().receivers()).hasSize(1);
    assertThat(c.toString()).doesNotContain("t0ken").doesNotContain(SECRET);
  }

  @Test
  void badValuesNameTheSettingInOneLine() {
    assertOneLine(Map.of("HTTP_PORT", "abc"), "HTTP_PORT: must be an integer, got 'abc'");
    assertOneLine(Map.of("HTTP_PORT", "70000"), "HTTP_PORT: must be between 0 and 65535, got 70000");
    assertOneLine(Map.of("SOURCE", "ldap"), "SOURCE: must be one of [simulator, webex], got 'ldap'");
    assertOneLine(Map.of("WEBHOOK_URL", "not a url", "WEBHOOK_SECRET", SECRET), "WEBHOOK_URL: is not a valid URL: 'not a url'");
    assertOneLine(Map.of("WEBHOOK_URL", "ftp://x.example.com/", "WEBHOOK_SECRET", SECRET), "WEBHOOK_URL: must be an http:// or https:// URL");
    assertOneLine(Map.of("WEBHOOK_URL", "https://x.example.com/"), "WEBHOOK_SECRET: is required when WEBHOOK_URL is set");
    assertOneLine(Map.of("WEBHOOK_URL", "https://x.example.com/", "WEBHOOK_SECRET", "plain"), "WEBHOOK_SECRET: must start with 'whsec_'");
    assertOneLine(Map.of("SOURCE", "webex"), "WEBEX_TOKEN: is required when SOURCE=webex");
    assertOneLine(Map.of("WEBEX_WATCH", "bob"), "WEBEX_WATCH: 'bob' is not a Webex person id");
    assertOneLine(Map.of("WEBHOOK_RETRY_SCHEDULE", "5s,soon"), "WEBHOOK_RETRY_SCHEDULE: 'soon' is not a delay");
    assertOneLine(Map.of("REDIS_URL", "localhost:6379"), "REDIS_URL: must start with redis://");
    assertOneLine(Map.of("WEBHOOK_ALLOW_PRIVATE_TARGETS", "maybe"), "WEBHOOK_ALLOW_PRIVATE_TARGETS: must be true or false");
    assertOneLine(Map.of("WEBHOOKS", "{oops"), "WEBHOOKS: must be a JSON array");
    assertOneLine(Map.of("HTTP_HOST", "999.1.1.1"), "HTTP_HOST: '999.1.1.1' is not a valid IPv4 address");
    assertOneLine(Map.of("HTTP_HOST", "my host"), "HTTP_HOST: 'my host' is not an IP address or host name");
    assertOneLine(Map.of("CORS_ORIGINS", "*"), "CORS_ORIGINS: wildcards are not allowed");
    assertOneLine(Map.of("CORS_ORIGINS", "https://a.example.com/app"), "CORS_ORIGINS: 'https://a.example.com/app' is not an origin");
    assertOneLine(Map.of("WEBHOOK_SECRET", SECRET), "WEBHOOK_SECRET: is set but WEBHOOK_URL is empty");
  }

  @Test
  void withRedisTheLeaseMustOutliveARenewalThatTakesTheWholeRedisTimeout() {
    assertOneLine(Map.of("REDIS_URL", "redis://127.0.0.1:6379", "POLL_LEASE_TTL_MS", "2000"),
        "POLL_LEASE_TTL_MS: must be at least 1.5 x REDIS_TIMEOUT_MS (2000 ms)");
    assertOneLine(Map.of("REDIS_URL", "redis://127.0.0.1:6379", "POLL_LEASE_TTL_MS", "1000", "REDIS_TIMEOUT_MS", "700"),
        "POLL_LEASE_TTL_MS: must be at least 1.5 x REDIS_TIMEOUT_MS (700 ms)");
    GatewayConfig fits = load(Map.of("REDIS_URL", "redis://127.0.0.1:6379", "POLL_LEASE_TTL_MS", "3000"));
    assertThat(fits.poll().leaseRenewMs()).isEqualTo(1000);
    assertThat(load(Map.of("POLL_LEASE_TTL_MS", "1000")).poll().leaseTtlMs()).as("memory: one instance, no Redis timeout")
        .isEqualTo(1000);
  }

  @Test
  void durationsThatOverflowOrAreNegativeAreRefused() {
    assertOneLine(Map.of("WEBHOOK_RETRY_SCHEDULE", "5s,99999999999999999d"),
        "WEBHOOK_RETRY_SCHEDULE: '99999999999999999d' is too long: at most 365d");
    assertOneLine(Map.of("WEBHOOK_RETRY_SCHEDULE", "99999999999999999999999ms"),
        "WEBHOOK_RETRY_SCHEDULE: '99999999999999999999999ms' is too long");
    assertOneLine(Map.of("WEBHOOK_DISABLE_AFTER", "9999999999999d"), "WEBHOOK_DISABLE_AFTER: '9999999999999d' is too long");
    assertOneLine(Map.of("WEBHOOK_RETRY_SCHEDULE", "5s,-5m"), "WEBHOOK_RETRY_SCHEDULE: '-5m' is negative");
    assertOneLine(Map.of("WEBHOOK_DISABLE_AFTER", "-5d"), "WEBHOOK_DISABLE_AFTER: '-5d' is negative");
    assertOneLine(Map.of("WEBHOOK_RETRY_SCHEDULE", "5x"), "WEBHOOK_RETRY_SCHEDULE: '5x' is not a delay");
    assertOneLine(Map.of("POLL_INTERVAL_MS", "99999999999999999999"), "POLL_INTERVAL_MS: must be between 100 and 3600000");
    assertOneLine(Map.of("POLL_INTERVAL_MS", "-5"), "POLL_INTERVAL_MS: must be between 100 and 3600000");
    assertThat(load(Map.of("WEBHOOK_RETRY_SCHEDULE", "0s,250ms,365d")).webhooks().retrySchedule())
        .containsExactly(Duration.ZERO, Duration.ofMillis(250), Duration.ofDays(365));
  }

  @Test
  void malformedWebhooksEntriesAreRefusedByName() {
    String url = "\"url\":\"https://x.example.com/\"";
    String secret = "\"secret\":\"" + SECRET + "\"";
    assertOneLine(Map.of("WEBHOOKS", "[{" + url + "," + secret + ",\"ids\":\"x\"}]"),
        "WEBHOOKS: entry for https://x.example.com/: \"ids\" must be an array of strings");
    assertOneLine(Map.of("WEBHOOKS", "[{" + url + "," + secret + ",\"statuses\":[1]}]"),
        "WEBHOOKS: entry for https://x.example.com/: \"statuses\" must be an array of strings");
    assertOneLine(Map.of("WEBHOOKS", "[{" + url + "," + secret + ",\"ids\":[\"bob\"]}]"),
        "WEBHOOKS: entry for https://x.example.com/: 'bob' in \"ids\" is not a Webex person id");
    assertOneLine(Map.of("WEBHOOKS", "[{" + url + ",\"secret\":5}]"), "WEBHOOKS: entry for https://x.example.com/: \"secret\" must be a string");
    assertOneLine(Map.of("WEBHOOKS", "[{\"url\":5," + secret + "}]"), "WEBHOOKS: entry 1 needs a \"url\" string");
    assertOneLine(Map.of("WEBHOOKS", "[{" + url + "," + secret + ",\"secrets\":\"x\"}]"), "WEBHOOKS: entry 1 has an unknown key 'secrets'");
    assertOneLine(Map.of("WEBHOOKS", "{" + url + "}"), "WEBHOOKS: must be a JSON array");
    assertThatThrownBy(() -> load(Map.of("WEBHOOKS", "[{" + url + ",\"secret\":\"whsec_short\"}]")))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("whsec_short"));
  }

  @Test
  void aRedisUrlTheClientWouldRejectIsRefusedWithoutShowingThePassword() {
    assertOneLine(Map.of("REDIS_URL", "redis://:hunter2@127.0.0.1:notaport"), "REDIS_URL: has no host, or a port that is not a number");
    assertOneLine(Map.of("REDIS_URL", "redis://"), "REDIS_URL: is not a valid URL");
    assertOneLine(Map.of("REDIS_URL", "redis://127.0.0.1:99999"), "REDIS_URL: port must be between 1 and 65535, got 99999");
    assertOneLine(Map.of("REDIS_URL", "redis://127.0.0.1:6379/abc"), "REDIS_URL: the part after the host must be a database number");
    assertOneLine(Map.of("REDIS_URL", "redis://:pass word@127.0.0.1"), "REDIS_URL: is not a valid URL");
    assertOneLine(Map.of("REDIS_URL", "unix://redis.sock"), "REDIS_URL: needs a socket path");
    for (String bad : new String[] {"redis://:hunter2@127.0.0.1:notaport", "redis://:hunter2 x@127.0.0.1"}) {
      assertThatThrownBy(() -> load(Map.of("REDIS_URL", bad))).satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
    }
    assertThat(load(Map.of("REDIS_URL", "rediss://user:p%40ss@redis.example.com:6380/2", "POLL_LEASE_TTL_MS", "3000"))
        .store().redis()).isTrue();
  }

  @Test
  void aHostNameThatDoesNotResolveIsRefusedBeforeBinding() {
    GatewayConfig unresolvable = load(Map.of("HTTP_HOST", "no-such-host.invalid"));
    assertThatThrownBy(() -> ConfigLoader.requireResolvableHosts(unresolvable)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("HTTP_HOST: 'no-such-host.invalid' cannot be resolved");
    GatewayConfig simulator = load(Map.of("SIMULATOR_HOST", "no-such-host.invalid"));
    assertThatThrownBy(() -> ConfigLoader.requireResolvableHosts(simulator)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("SIMULATOR_HOST: 'no-such-host.invalid' cannot be resolved");
    ConfigLoader.requireResolvableHosts(load(Map.of("HTTP_HOST", "localhost")));
  }

  @Test
  void aMissingOrBrokenConfFileIsAnErrorNotAWarning(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path missing = dir.resolve("nope.json");
    assertThatThrownBy(() -> ConfigLoader.readConf(missing.toString())).isInstanceOf(ConfigException.class)
        .hasMessage("-conf: no such file: " + missing);
    java.nio.file.Path broken = java.nio.file.Files.writeString(dir.resolve("broken.json"), "{\"WEBEX_TOKEN\": t0psecret}");
    assertThatThrownBy(() -> ConfigLoader.readConf(broken.toString())).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("-conf: " + broken + " is not a valid JSON object (line 1, column")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("t0psecret").doesNotContain("\n"));
    java.nio.file.Path array = java.nio.file.Files.writeString(dir.resolve("array.json"), "[1]");
    assertThatThrownBy(() -> ConfigLoader.readConf(array.toString())).hasMessageStartingWith("-conf: " + array + " is not a valid JSON object");
    assertThatThrownBy(() -> ConfigLoader.readConf("{oops")).hasMessageStartingWith("-conf: the inline JSON is not a valid JSON object");
    java.nio.file.Path good = java.nio.file.Files.writeString(dir.resolve("good.json"), "{\"HTTP_PORT\": 9000}");
    assertThat(ConfigLoader.readConf(good.toString()).getInteger("HTTP_PORT")).isEqualTo(9000);
    assertThat(ConfigLoader.readConf("{\"HTTP_PORT\": 9001}").getInteger("HTTP_PORT")).isEqualTo(9001);
    assertThat(ConfigLoader.confArgument(new String[] {"-conf", "a.json"})).isEqualTo("a.json");
    assertThat(ConfigLoader.confArgument(new String[] {"--conf=b.json"})).isEqualTo("b.json");
    assertThat(ConfigLoader.confArgument(new String[] {"-cp", "x"})).isNull();
  }

  @Test
  void theSimulatorCannotShareThePortOfTheApi() {
    assertOneLine(Map.of("HTTP_PORT", "9000", "SIMULATOR_PORT", "9000"), "SIMULATOR_PORT: must differ from HTTP_PORT (both are 9000)");
    assertThat(load(Map.of("HTTP_PORT", "0", "SIMULATOR_PORT", "0")).simulator().port()).as("two free ports").isZero();
    assertThat(load(Map.of("HTTP_PORT", "9000", "SIMULATOR_PORT", "9000", "SOURCE", "webex", "WEBEX_TOKEN", "t"))
        .simulator().port()).as("no simulator with SOURCE=webex").isEqualTo(9000);
  }

  @Test
  void apiKeysMadeOnlyOfCommasAreRefusedRatherThanLeavingTheApiOpen() {
    assertOneLine(Map.of("API_KEYS", ","), "API_KEYS: holds no key, only commas or blanks");
    assertOneLine(Map.of("API_KEYS", " , ,"), "API_KEYS: holds no key, only commas or blanks");
    assertThat(load(Map.of("API_KEYS", "k1,,k2")).http().apiKeys()).containsExactly("k1", "k2");
    assertThat(load(Map.of("API_KEYS", "")).http().apiKeys()).isEmpty();
  }

  @Test
  void unknownKeysInTheFileAreRefused() {
    assertThatThrownBy(() -> ConfigLoader.load(new JsonObject().put("HTTP_PROT", 1), Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown setting 'HTTP_PROT'");
  }

  private static void assertOneLine(Map<String, String> env, String expectedStart) {
    assertThatThrownBy(() -> load(env)).isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(e.getMessage()).startsWith(expectedStart).doesNotContain("\n"));
  }

  @Test
  void streamLimitFitsTheOpenFileLimit() {
    RawSettings raw = RawSettings.defaults();
    // auto: limit minus reserve (a fortieth, 256..2048) minus API room (a tenth of the rest, at most 256), at most 20000
    GatewayConfig small = GatewayConfig.from(raw, new FdBudget(1024));
    assertThat(small.channels().maxHttpConnections()).isEqualTo(1024 - 256);
    assertThat(small.channels().maxConnections()).isEqualTo(1024 - 256 - 76);
    GatewayConfig here = GatewayConfig.from(raw, new FdBudget(20_000));
    assertThat(here.channels().maxHttpConnections()).isEqualTo(19_500);
    assertThat(here.channels().maxConnections()).as("no longer the whole fd limit").isEqualTo(19_244);
    assertThat(GatewayConfig.from(raw, new FdBudget(1 << 20)).channels().maxConnections()).isEqualTo(20_000);
    assertThat(GatewayConfig.from(raw, new FdBudget(0)).channels().maxConnections()).as("limit unknown").isEqualTo(20_000);
    assertThat(GatewayConfig.from(raw, new FdBudget(0)).channels().maxHttpConnections()).isEqualTo(Integer.MAX_VALUE);

    assertThat(GatewayConfig.from(raw.with(Setting.HTTP_MAX_CONNECTIONS, "500"), new FdBudget(1024)).channels().maxConnections()).isEqualTo(500);
    assertThat(GatewayConfig.from(raw.with(Setting.HTTP_MAX_CONNECTIONS, "300000"), new FdBudget(1 << 20)).channels().maxConnections())
        .isEqualTo(300_000);
    assertThatThrownBy(() -> GatewayConfig.from(raw.with(Setting.HTTP_MAX_CONNECTIONS, "20000"), new FdBudget(20_000)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("HTTP_MAX_CONNECTIONS").hasMessageContaining("19244")
        .hasMessageContaining("ulimit -n");
    assertThatThrownBy(() -> GatewayConfig.from(raw.with(Setting.HTTP_MAX_CONNECTIONS, "many"), new FdBudget(20_000)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("HTTP_MAX_CONNECTIONS");
    assertThatThrownBy(() -> GatewayConfig.from(raw, new FdBudget(200)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("ulimit -n");
  }

  @Test
  void requestAndIdleTimeouts() {
    GatewayConfig c = load(Map.of());
    assertThat(c.channels().requestTimeoutMs()).isEqualTo(10_000);
    assertThat(c.channels().idleTimeoutMs()).isEqualTo(75_000);
    assertThat(load(Map.of("HTTP_REQUEST_TIMEOUT_MS", "2500")).channels().requestTimeoutMs()).isEqualTo(2500);
    assertThatThrownBy(() -> load(Map.of("HTTP_REQUEST_TIMEOUT_MS", "0"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("HTTP_REQUEST_TIMEOUT_MS");
    assertThatThrownBy(() -> load(Map.of("HTTP_IDLE_TIMEOUT_MS", "x"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("HTTP_IDLE_TIMEOUT_MS");
  }
}
