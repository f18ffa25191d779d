package io.presencegateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the commands Redis executes, by name, split into client round trips and commands run
 * inside Lua scripts, using {@code MONITOR} (each line names its source: a client address, or
 * {@code lua}). {@code INFO commandstats} cannot tell the two apart, and the round trips are what
 * a cycle pays in latency. MONITOR costs Redis a little per command; at these rates it is noise.
 */
final class RedisMonitor implements AutoCloseable {
  /** Command counts at one moment: client round trips and script-internal calls. */
  record Counts(Map<String, Long> roundTrips, Map<String, Long> inScripts) {
    long totalRoundTrips() {
      return roundTrips.values().stream().mapToLong(Long::longValue).sum();
    }

    long totalInScripts() {
      return inScripts.values().stream().mapToLong(Long::longValue).sum();
    }

    Counts minus(Counts earlier) {
      return new Counts(diff(roundTrips, earlier.roundTrips), diff(inScripts, earlier.inScripts));
    }

    private static Map<String, Long> diff(Map<String, Long> now, Map<String, Long> then) {
      Map<String, Long> out = new TreeMap<>();
      now.forEach((k, v) -> {
        long d = v - then.getOrDefault(k, 0L);
        if (d > 0) {
          out.put(k, d);
        }
      });
      return out;
    }
  }

  private final Socket socket;
  private final Map<String, Long> roundTrips = new TreeMap<>();
  private final Map<String, Long> inScripts = new TreeMap<>();
  private final Thread reader;
  private final Map<String, String> scriptsBySha;

  /** @param scriptsBySha names for the SHA-1 of EVALSHA calls: counted as {@code EVALSHA <name>} */
  RedisMonitor(String host, int port, Map<String, String> scriptsBySha) throws IOException {
    this.scriptsBySha = scriptsBySha;
    socket = new Socket(host, port);
    OutputStream out = socket.getOutputStream();
    out.write("*1\r\n$7\r\nMONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    reader = new Thread(() -> readLines(in), "redis-monitor");
    reader.setDaemon(true);
    reader.start();
  }

  synchronized Counts counts() {
    return new Counts(new TreeMap<>(roundTrips), new TreeMap<>(inScripts));
  }

  private void readLines(BufferedReader in) {
    try {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        count(line);
      }
    } catch (IOException closed) {
      // the socket was closed by close(): the window is over
    }
  }

  /** {@code +1700000000.123456 [0 127.0.0.1:5000] "HGETALL" "{pg}:state"} or {@code [0 lua] "HSET" ...}. */
  private synchronized void count(String line) {
    int open = line.indexOf('[');
    int close = line.indexOf(']', open + 1);
    int quote = line.indexOf('"', close + 1);
    int end = line.indexOf('"', quote + 1);
    if (open < 0 || close < 0 || quote < 0 || end < 0) {
      return; // "+OK" and anything else that is not a command line
    }
    String source = line.substring(open + 1, close);
    String command = line.substring(quote + 1, end).toUpperCase();
    if (command.equals("EVALSHA")) {
      int shaStart = line.indexOf('"', end + 1);
      int shaEnd = line.indexOf('"', shaStart + 1);
      if (shaStart > 0 && shaEnd > 0) {
        command += " " + scriptsBySha.getOrDefault(line.substring(shaStart + 1, shaEnd), "?");
      }
    }
    (source.endsWith(" lua") ? inScripts : roundTrips).merge(command, 1L, Long::sum);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
