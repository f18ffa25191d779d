package io.presencegateway.testsupport;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The last resort of {@link TestRedis}: a {@code redis:7-alpine} container through Testcontainers,
 * for a machine with a Docker engine but neither {@code REDIS_URL} nor a {@code redis-server} on
 * {@code PATH}. Where a redis-server is installed (CI, the project's machines) this is never reached,
 * so Docker is never even asked.
 */
final class TestcontainersRedis {
  static final String IMAGE = "redis:7-alpine";
  private static final int PORT = 6379;

  private TestcontainersRedis() {
  }

  /**
   * Whether a Docker engine answers; Testcontainers tries each way it knows to reach one, once per JVM
   * (under a second without Docker). It logs every failed way at ERROR with their causes; here "no
   * Docker" is an expected answer that {@link TestRedis} reports in one line, so it is muted meanwhile.
   */
  static boolean dockerAvailable() {
    Logger log = LoggerFactory.getLogger("org.testcontainers") instanceof Logger l ? l : null;
    Level before = log == null ? null : log.getLevel();
    if (log != null) {
      log.setLevel(Level.OFF);
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } finally {
      if (log != null) {
        log.setLevel(before);
      }
    }
  }

  /** The {@code redis://} URL of a new container, stopped when the JVM exits; null when no Docker engine answers. */
  static String start() {
    if (!dockerAvailable()) {
      return null;
    }
    GenericContainer<?> redis = new GenericContainer<>(DockerImageName.parse(IMAGE)).withExposedPorts(PORT);
    redis.start();
    Runtime.getRuntime().addShutdownHook(new Thread(redis::stop, "test-redis-container-stop"));
    return "redis://" + redis.getHost() + ":" + redis.getMappedPort(PORT);
  }
}
