package io.presencegateway.loadtool;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time and resident memory of the measured server, summed over its processes (the JVM; or
 * nginx's worker processes), read from {@code /proc/<pid>/stat} and {@code /proc/<pid>/status}.
 */
final class ProcStats {
  /** One reading: user+system CPU in clock ticks and VmRSS in KiB, summed over the pids. */
  record Sample(long cpuTicks, long rssKiB) {
  }

  private final List<Integer> pids;

  ProcStats(List<Integer> pids) {
    this.pids = List.copyOf(pids);
  }

  boolean enabled() {
    return !pids.isEmpty();
  }

  List<Integer> pids() {
    return pids;
  }

  Sample sample() {
    long ticks = 0;
    long rss = 0;
    for (int pid : pids) {
      ticks += cpuTicks("/proc/" + pid + "/stat");
      rss += rssKiB(pid);
    }
    return new Sample(ticks, rss);
  }

  /** CPU ticks of this load tool itself (to show it was not the bottleneck). */
  static long selfCpuTicks() {
    return cpuTicks("/proc/self/stat");
  }

  /** Fields 14 and 15 (utime, stime) of /proc/PID/stat, counted after the parenthesised command name. */
  private static long cpuTicks(String statFile) {
    String stat = read(statFile);
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    // fields[0] is field 3 (state), so utime (14) is fields[11] and stime (15) fields[12]
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static long rssKiB(int pid) {
    for (String line : read("/proc/" + pid + "/status").split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS for pid " + pid);
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + " (is the server process still running?)", e);
    }
  }
}
