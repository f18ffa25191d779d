package io.presencegateway.loadtool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Live heap of a JVM: {@code jcmd <pid> GC.class_histogram} runs a full GC first and then lists
 * only reachable objects, so its "Total" line is the heap that the connections really hold, free
 * of garbage that merely has not been collected yet. Blocking: call it off the event loop.
 */
final class HeapProbe {
  private static final long TIMEOUT_S = 60;
  private final int pid;

  HeapProbe(int pid) {
    this.pid = pid;
  }

  /** Live bytes after a full GC. */
  long liveBytes() {
    try {
      // output to a file, not a pipe: the wait below is then bounded even if jcmd hangs
      Path out = Files.createTempFile("loadtool-histogram", ".txt");
      try {
        Process p = new ProcessBuilder("jcmd", Integer.toString(pid), "GC.class_histogram")
            .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("jcmd did not finish within " + TIMEOUT_S + " s");
        }
        return total(Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("jcmd failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for jcmd", e);
    }
  }

  private static long total(String text) {
    for (String line : text.split("\n")) {
      String t = line.trim();
      if (t.startsWith("Total")) {
        String[] parts = t.split("\\s+");
        return Long.parseLong(parts[parts.length - 1]);
      }
    }
    throw new IllegalStateException("no Total line in jcmd output: " + text.substring(0, Math.min(300, text.length())));
  }
}
