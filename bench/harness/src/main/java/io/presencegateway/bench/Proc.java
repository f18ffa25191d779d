package io.presencegateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time and resident memory of another process, from /proc (Linux). */
final class Proc {
  private final long pid;
  private final int clockTicks;

  Proc(long pid, int clockTicks) {
    this.pid = pid;
    this.clockTicks = clockTicks;
  }

  /** User + system CPU time so far, in milliseconds. */
  double cpuMs() {
    String stat = read("stat");
    // fields after "(comm)": state is field 3, utime 14, stime 15 (1-based); comm may hold spaces
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    return ticks * 1000.0 / clockTicks;
  }

  long rssKiB() {
    for (String line : read("status").split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private String read(String file) {
    try {
      return Files.readString(Path.of("/proc", Long.toString(pid), file));
    } catch (IOException e) {
      throw new IllegalStateException("process " + pid + " is gone (" + e.getMessage() + ")", e);
    }
  }
}
