package io.presencegateway.testsupport;

/**
 * The last resort of {@link TestRedis}: a {@code redis:7} container through Testcontainers, loaded
 * by reflection so that the build does not need Testcontainers (or Docker) where a redis-server is
 * installed. Returns null when Testcontainers is not on the class path or Docker does not answer.
 */
final class TestcontainersRedis {
  private TestcontainersRedis() {
  }

  static String start() {
    try {
      Class<?> factory = Class.forName("org.testcontainers.DockerClientFactory");
      Object docker = factory.getMethod("instance").invoke(null);
      if (!(Boolean) factory.getMethod("isDockerAvailable").invoke(docker)) {
        return null;
      }
      Class<?> type = Class.forName("org.testcontainers.containers.GenericContainer");
      Object container = type.getConstructor(String.class).newInstance("redis:7-alpine");
      type.getMethod("withExposedPorts", Integer[].class).invoke(container, (Object) new Integer[] {6379});
      type.getMethod("start").invoke(container);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(type, container), "test-redis-container-stop"));
      Object host = type.getMethod("getHost").invoke(container);
      Object port = type.getMethod("getMappedPort", int.class).invoke(container, 6379);
      return "redis://" + host + ":" + port + "/0";
    } catch (ClassNotFoundException notOnClassPath) {
      return null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("Testcontainers could not start Redis: " + e, e);
    }
  }

  private static void stop(Class<?> type, Object container) {
    try {
      type.getMethod("stop").invoke(container);
    } catch (ReflectiveOperationException ignored) {
      // the JVM is exiting; Testcontainers' reaper removes the container anyway
    }
  }
}
