package io.presencegateway.testsupport;

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

/** A redis-server child process on one loopback port, no persistence, in a temp dir. */
final class RedisServerProcess {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
  private static final long POLL_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private final Path binary;
  final int port;
  private Process process;

  RedisServerProcess(Path binary, int port) {
    this.binary = binary;
    this.port = port;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
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

  /** SIGSTOP: the server answers nothing but keeps its connections open, like a stalled Redis. */
  synchronized void pause() {
    signal("STOP");
  }

  /** SIGCONT: it carries on, with everything sent meanwhile still to answer. */
  synchronized void resume() {
    signal("CONT");
  }

  private void signal(String name) {
    if (process == null) {
      throw new IllegalStateException("redis-server is not running");
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).redirectErrorStream(true).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot send SIG" + name + " to redis-server", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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
