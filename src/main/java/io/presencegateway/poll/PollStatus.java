package io.presencegateway.poll;

import java.time.Instant;

/**
 * What the poller last did, shared read-only with health checks and metrics. Written by the poller's
 * event loop only; read from any thread (hence volatile fields, each meaningful on its own).
 */
public final class PollStatus {
  private volatile boolean leader;
  private volatile Instant lastSuccess;
  private volatile String lastError;
  private volatile Instant throttledUntil;
  private volatile long effectiveIntervalMs;
  private volatile boolean unauthorized;
  private volatile int watched;
  private volatile String stoppedReason;
  private volatile long lastCycleCalls;
  private volatile long upstreamCalls;
  private volatile boolean watchingOrg = true;
  private volatile int watchedIds;

  public boolean leader() {
    return leader;
  }

  public void leader(boolean value) {
    leader = value;
  }

  /** End of the last cycle that read upstream and stored the result, or null before the first. */
  public Instant lastSuccess() {
    return lastSuccess;
  }

  public void succeeded(Instant at, int watchedPeople) {
    lastSuccess = at;
    watched = watchedPeople;
    lastError = null;
    unauthorized = false;
  }

  /** Why the last cycle failed, or null after a success. Never contains a token. */
  public String lastError() {
    return lastError;
  }

  public void failed(String reason, boolean unauthorizedUpstream) {
    lastError = reason;
    unauthorized = unauthorizedUpstream;
  }

  public Instant throttledUntil() {
    return throttledUntil;
  }

  public void throttledUntil(Instant until) {
    throttledUntil = until;
  }

  public long effectiveIntervalMs() {
    return effectiveIntervalMs;
  }

  public void effectiveIntervalMs(long ms) {
    effectiveIntervalMs = ms;
  }

  public boolean unauthorized() {
    return unauthorized;
  }

  public int watched() {
    return watched;
  }

  /** Why polling stopped for good on this instance (an operator must act), or null while it runs. */
  public String stoppedReason() {
    return stoppedReason;
  }

  public void stopped(String reason) {
    stoppedReason = reason;
  }

  /** Upstream calls of the last cycle that called upstream. */
  public long lastCycleCalls() {
    return lastCycleCalls;
  }

  /** Upstream calls since start (a counter for metrics). */
  public long upstreamCalls() {
    return upstreamCalls;
  }

  public void cycleCalls(long calls) {
    lastCycleCalls = calls;
    upstreamCalls += calls; // single writer: the poller's event loop
  }

  public boolean watchingOrg() {
    return watchingOrg;
  }

  /** Ids of the explicit watch list (0 in org mode). */
  public int watchedIds() {
    return watchedIds;
  }

  public void watchList(boolean org, int ids) {
    watchingOrg = org;
    watchedIds = ids;
  }
}
