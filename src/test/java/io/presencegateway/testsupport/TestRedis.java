package io.presencegateway.testsupport;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One Redis for the whole test JVM, from the first source that works:
 * <ol>
 *   <li>{@code REDIS_URL} from the environment (CI or a developer's own server);</li>
 *   <li>a {@code redis-server} found on {@code PATH}, started on a free loopback port without
 *       persistence and stopped by a shutdown hook;</li>
 *   <li>a {@code redis:7-alpine} container through Testcontainers, when a Docker engine answers.</li>
 * </ol>
 * When none works the test fails with a message saying how to get Redis: never a silent skip.
 *
 * <p>On any of them the tests use one database, {@link #DATABASE} (the URL's own index is replaced),
 * and {@link #clean()} empties that database only: a developer's own server keeps everything else.
 * On a server the tests did not start, a database holding keys the tests did not write is refused
 * rather than emptied. Test threads only (it blocks); never call it from an event loop.
 */
public final class TestRedis {
  /** The database index every test uses: {@code REDIS_TEST_DB}, else the last of Redis's default 16. */
  public static final int DATABASE = database(System.getenv("REDIS_TEST_DB"));
  static final String NO_REDIS = "Tests need Redis and found none: REDIS_URL is not set, there is no redis-server on PATH, "
      + "and Testcontainers found no Docker engine. Install redis-server (Debian/Ubuntu: apt-get install -y redis-server; "
      + "bash scripts/test.sh does it), or set REDIS_URL=redis://host:port, or start Docker.";
  /** Written into the tests' database on a server they did not start: the tests' own data, theirs to empty. */
  static final String MARKER = "presence-gateway-tests";
  private static TestRedis instance;
  private static TestRedis restartableInstance;

  private final String url;
  private final RedisServerProcess process;
  private final boolean ownServer;
  private final Vertx admin = Vertx.vertx();
  private final Redis adminClient;

  /**
   * @param serverUrl any {@code redis://} or {@code rediss://} URL of the server; its database index is replaced
   * @param ownServer whether the tests started it (a process or a container): nobody else's data is there
   */
  TestRedis(String serverUrl, RedisServerProcess process, boolean ownServer) {
    this.url = withDatabase(serverUrl, DATABASE);
    this.process = process;
    this.ownServer = ownServer;
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
      Path server = onPath("redis-server", System.getenv("PATH"));
      if (server == null) {
        throw new IllegalStateException("This test kills and restarts Redis, so it needs its own redis-server on PATH "
            + "even when REDIS_URL is set (Debian/Ubuntu: apt-get install -y redis-server)");
      }
      restartableInstance = started(server);
      Runtime.getRuntime().addShutdownHook(new Thread(restartableInstance::shutdown, "test-redis-stop-private"));
    }
    return restartableInstance;
  }

  /** The {@code redis://} URL tests give the gateway as {@code REDIS_URL}: the tests' database on the server. */
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

  /** Stalls the server (SIGSTOP): connections stay open, nothing is answered. Only for a server this JVM started. */
  public void pause() {
    requireRestartable().pause();
  }

  /** Lets a stalled server carry on (SIGCONT). */
  public void resume() {
    requireRestartable().resume();
  }

  /**
   * Empties the tests' database, and nothing else on the server: each test starts from a blank store.
   * On a server the tests did not start, a database with keys but without the tests' marker belongs
   * to someone else and is left alone: the test fails and says which setting picks another database.
   */
  public void clean() {
    if (!ownServer) {
      refuseForeignData();
    }
    send(Request.cmd(Command.FLUSHDB));
    if (!ownServer) {
      send(Request.cmd(Command.SET).arg(MARKER).arg("the Presence Gateway tests empty this database at will"));
    }
  }

  /** The old name of {@link #clean()}, which empties the tests' database only (never FLUSHALL). */
  @Deprecated
  public void flushAll() {
    clean();
  }

  /** The value of a string key, or null: lets a test look at what the gateway stored. */
  public String valueOf(String key) {
    Response value = command(Request.cmd(Command.GET).arg(key));
    return value == null ? null : value.toString();
  }

  /** Any command on the tests' database, e.g. to look at the gateway's keys. */
  public Response command(Request request) {
    return send(request);
  }

  private void refuseForeignData() {
    long keys = send(Request.cmd(Command.DBSIZE)).toLong();
    if (keys > 0 && send(Request.cmd(Command.EXISTS).arg(MARKER)).toInteger() == 0) {
      throw new IllegalStateException("The tests would empty database " + DATABASE + " of the Redis at " + redacted(url)
          + ", but it holds " + keys + " keys they did not write. Set REDIS_TEST_DB to the index of an empty database "
          + "(or unset REDIS_URL to let the tests start their own redis-server).");
    }
  }

  private Response send(Request request) {
    try {
      return adminClient.send(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("test Redis at " + redacted(url) + " did not answer " + request.command(), e);
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
      return new TestRedis(redisUrl.trim(), null, false);
    }
    Path server = onPath("redis-server", path);
    if (server != null) {
      return started(server);
    }
    String container = TestcontainersRedis.start();
    if (container != null) {
      return new TestRedis(container, null, true);
    }
    throw new IllegalStateException(NO_REDIS);
  }

  private static TestRedis started(Path server) {
    RedisServerProcess p = new RedisServerProcess(server, RedisServerProcess.freePort());
    p.start();
    return new TestRedis("redis://127.0.0.1:" + p.port, p, true);
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

  /** {@code url} with its database index (the path) set to {@code database}; credentials and query kept. */
  static String withDatabase(String url, int database) {
    URI u = URI.create(url);
    if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme())) {
      throw new IllegalStateException("REDIS_URL for the tests must be redis:// or rediss://, got " + redacted(url));
    }
    return u.getScheme() + "://" + (u.getRawUserInfo() == null ? "" : u.getRawUserInfo() + "@") + u.getHost()
        + (u.getPort() < 0 ? "" : ":" + u.getPort()) + "/" + database + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
  }

  /** The URL without its password, for messages. */
  static String redacted(String url) {
    return url.replaceFirst("//[^@/]*@", "//***@");
  }

  private static int database(String setting) {
    if (setting == null || setting.isBlank()) {
      return 15;
    }
    try {
      return Integer.parseInt(setting.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException("REDIS_TEST_DB must be a database index (0-15 on a default Redis), got '" + setting + "'");
    }
  }
}
