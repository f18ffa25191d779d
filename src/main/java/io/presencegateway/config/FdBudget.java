package io.presencegateway.config;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How the process's open-file limit is shared out. Every connection on the HTTP port is a file
 * descriptor; so are the sockets to Redis, Webex and webhook receivers, the jar and the logs. A
 * reserve is kept for the latter (a fortieth of the limit, 256 to 2048: a few Redis and Webex
 * sockets, up to four per webhook subscription, the jar and logs), the rest is the cap on
 * connections to the HTTP port; of that, room for API requests and health checks is kept (a tenth,
 * at most 256) so that a full house of streams never locks the load balancer's probe out.
 *
 * @param fdLimit the limit, or 0 when unknown (not a Unix JVM): then nothing is capped here
 */
public record FdBudget(long fdLimit) {
  /** Stream connections allowed by {@code HTTP_MAX_CONNECTIONS=auto} at most, whatever the limit. */
  public static final int AUTO_MAX_STREAMS = 20_000;
  static final int UNKNOWN_LIMIT_STREAMS = AUTO_MAX_STREAMS;

  /** The limit of this process as the JVM sees it (the JVM raises the soft limit to the hard one on start). */
  public static FdBudget current() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      long max = unix.getMaxFileDescriptorCount();
      return new FdBudget(max > 0 ? max : 0);
    }
    return new FdBudget(0);
  }

  public boolean known() {
    return fdLimit > 0;
  }

  /** Descriptors kept for everything that is not a connection to the HTTP port. */
  public long reserve() {
    return Math.min(2048, Math.max(256, fdLimit / 40));
  }

  /** Open connections the HTTP port accepts (HTTP and WebSocket); beyond it a new one is closed at once. */
  public int maxHttpConnections() {
    return known() ? (int) Math.max(0, Math.min(Integer.MAX_VALUE, fdLimit - reserve())) : Integer.MAX_VALUE;
  }

  /** Of those, kept for API requests and health checks when streams are many. */
  public int apiHeadroom() {
    return known() ? Math.min(256, maxHttpConnections() / 10) : 0;
  }

  /** The most stream (SSE + WebSocket) connections the limit allows. */
  public int maxStreams() {
    return known() ? Math.max(0, maxHttpConnections() - apiHeadroom()) : Integer.MAX_VALUE;
  }

  /** What {@code HTTP_MAX_CONNECTIONS=auto} means on this machine. */
  public int autoStreams() {
    return known() ? Math.min(AUTO_MAX_STREAMS, maxStreams()) : UNKNOWN_LIMIT_STREAMS;
  }
}
