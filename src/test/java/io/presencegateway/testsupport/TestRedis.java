package io.presencegateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One Redis for the whole test JVM, from the first source that works:
 * <ol>
 *   <li>{@code REDIS_URL} from the environment (CI or a developer's own server);</li>
 *   <li>a {@code redis-server} found on {@code PATH}, started on a free loopback port without
 *       persistence and stopped by a shutdown hook;</li>
 *   <li>a {@code redis:7-alpine} container through Testcontainers, when a Docker engine answers.</li>
 * </ol>
 * When none works the test fails with a message saying how to get Redis: never a silent skip.
 * Test threads only (it blocks); never call it from an event loop.
 */
public final class TestRedis {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final long POLL_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
  static final String NO_REDIS = "Tests need Redis and found none: REDIS_URL is not set, there is no redis-server on PATH, "
      + "and Testcontainers found no Docker engine. Install redis-server (Debian/Ubuntu: apt-get install -y redis-server; "
      + "bash scripts/test.sh does it), or set REDIS_URL=redis://host:port, or start Docker.";
  private static TestRedis instance;
  private static TestRedis restartableInstance;

  private final String url;
  private final RedisServerProcess process;
  private final Vertx admin = Vertx.vertx();
  private final Redis adminClient;

  private TestRedis(String url, RedisServerProcess process) {
    this.url = url;
    this.process = process;
    this.adminClient = Redis.createClient(admin, url);
  }

  public static synchronized TestRedis get() {
    if (instance == null) {
      instance = find();
      Runtime.getRuntime().addShutdownHook(new Thread(instance::shutdown, "test-redis-stop"));
    }
    return instance;
  }

  /**
   * A Redis that the tests may kill and restart: the shared one when this JVM started it, otherwise
   * (REDIS_URL points at a server the tests must not stop) a private {@code redis-server} from PATH.
   * Fails with a message saying how to get one: a restart test never skips.
   */
  public static synchronized TestRedis restartable() {
    TestRedis shared = get();
    if (shared.process != null) {
      return shared;
    }
    if (restartableInstance == null) {
      Path server = onPath("redis-server");
      if (server == null) {
        throw new IllegalStateException("This test kills and restarts Redis, so it needs its own redis-server on PATH "
            + "even when REDIS_URL is set (Debian/Ubuntu: apt-get install -y redis-server)");
      }
      RedisServerProcess p = new RedisServerProcess(server, freePort());
      p.start();
      restartableInstance = new TestRedis("redis://127.0.0.1:" + p.port + "/0", p);
      Runtime.getRuntime().addShutdownHook(new Thread(restartableInstance::shutdown, "test-redis-stop-private"));
    }
    return restartableInstance;
  }

  /** The {@code redis://} URL tests give the gateway as {@code REDIS_URL}. */
  public String url() {
    return url;
  }

  /** Kills the server (as a crash would). Only for a server this JVM started. */
  public void stop() {
    requireRestartable().stop();
  }

  /** Starts the server again on the same port, empty (it never persists). */
  public void start() {
    requireRestartable().start();
  }

  /** Empties every database: each test starts from a blank Redis. */
  public void flushAll() {
    send(Request.cmd(Command.FLUSHALL));
  }

  /** The value of a string key, or null: lets a test look at what the gateway stored. */
  public String valueOf(String key) {
    Response value = send(Request.cmd(Command.GET).arg(key));
    return value == null ? null : value.toString();
  }

  private Response send(Request request) {
    try {
      return adminClient.send(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("test Redis at " + url + " did not answer " + request.command(), e);
    }
  }

  private RedisServerProcess requireRestartable() {
    if (process == null) {
      throw new IllegalStateException("this test stops and restarts Redis, which it can only do with a redis-server "
          + "it started itself; unset REDIS_URL and put redis-server on PATH (apt-get install redis-server)");
    }
    return process;
  }

  private void shutdown() {
    if (process != null) {
      process.stop();
    }
    admin.close();
  }

  private static TestRedis find() {
    return find(System.getenv("REDIS_URL"), System.getenv("PATH"));
  }

  /** The first source that works, given the environment's {@code REDIS_URL} and {@code PATH}. */
  static TestRedis find(String redisUrl, String path) {
    if (redisUrl != null && !redisUrl.isBlank()) {
      return new TestRedis(redisUrl.trim(), null);
    }
    Path server = onPath("redis-server", path);
    if (server != null) {
      RedisServerProcess p = new RedisServerProcess(server, freePort());
      p.start();
      return new TestRedis("redis://127.0.0.1:" + p.port + "/0", p);
    }
    String container = TestcontainersRedis.start();
    if (container != null) {
      return new TestRedis(container, null);
    }
    throw new IllegalStateException(NO_REDIS);
  }

  private static Path onPath(String name) {
    return onPath(name, System.getenv("PATH"));
  }

  private static Path onPath(String name, String path) {
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  /** A redis-server child process on one loopback port, no persistence, in a temp dir. */
  private static final class RedisServerProcess {
    private final Path binary;
    private final int port;
    private Process process;

    RedisServerProcess(Path binary, int port) {
      this.binary = binary;
      this.port = port;
    }

    synchronized void start() {
      try {
        Path dir = Files.createTempDirectory("pg-test-redis");
        process = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", dir.toString()))
            .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start " + binary, e);
      }
      awaitListening();
    }

    private void awaitListening() {
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new IllegalStateException(binary + " exited with " + process.exitValue() + " (port " + port + ")");
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 200);
          return;
        } catch (IOException notYet) {
          LockSupport.parkNanos(POLL_PAUSE_NANOS); // polling with a deadline, not waiting for a result
        }
      }
      throw new IllegalStateException(binary + " did not listen on port " + port + " within " + START_TIMEOUT);
    }

    synchronized void stop() {
      if (process == null) {
        return;
      }
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }
}
