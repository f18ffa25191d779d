package io.presencegateway.testsupport;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The third source of {@link TestRedis}: with neither REDIS_URL nor a redis-server on PATH, Docker is
 * asked through Testcontainers (a real dependency, not a class looked up by name that is never there);
 * without a Docker engine the answer is quick, quiet and says how to get Redis.
 */
class TestRedisSourcesTest {

  @Test
  void withoutRedisUrlOrRedisServerDockerIsAskedAndWithoutItTheMessageSaysHowToGetRedis() {
    long started = System.nanoTime();
    if (TestcontainersRedis.dockerAvailable()) {
      assertThat(TestRedis.find(null, "").url()).as("a container's Redis").startsWith("redis://");
      return;
    }
    assertThatThrownBy(() -> TestRedis.find(null, "")).isInstanceOf(IllegalStateException.class)
        .hasMessage(TestRedis.NO_REDIS)
        .hasMessageContaining("apt-get install -y redis-server").hasMessageContaining("REDIS_URL")
        .hasMessageContaining("Docker");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("no Docker is found out quickly")
        .isLessThan(Duration.ofSeconds(10));
  }
}
