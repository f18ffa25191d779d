package io.presencegateway.poll;

import io.presencegateway.GatewayServices;
import io.presencegateway.metrics.GatewayMetrics;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.store.PresenceStore;
import io.presencegateway.store.StaleLeaseException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Owns the poll timer and the Webex client. A self-rescheduling timer runs one cycle at a time (the
 * next is scheduled only when the previous has ended, so cycles never overlap). A cycle takes or
 * renews the poll lease; only the holder reads upstream, diffs against the store and applies the
 * result atomically with its fencing token. While the cycle runs, a {@link LeaseKeeper} renews the
 * lease, so a cycle longer than the TTL still counts. The store appends the events and the log relay
 * publishes them: this verticle never touches the bus.
 *
 * <p>Each cycle reads the watch list from the store (edited at run time through {@code /v1/watchlist},
 * shared by every instance), so an edit is picked up by the next cycle of whichever instance polls.
 * Every Webex call, token refreshes included, passes one {@link UpstreamGate}. A throttle pauses the
 * gate, widens the interval step by step and is written to the store, so that a poller taking over
 * after a failover respects it too. A token that cannot be refreshed stops polling for good.
 *
 * <p>While throttled or backing off, the timer keeps ticking at most every third of the lease TTL
 * so that the lease stays held (no other instance steps in and calls upstream during a
 * Retry-After), but no upstream call is made before the pause has elapsed.
 */
public final class PollerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PollerVerticle.class);

  private final GatewayServices services;
  private final GatewayConfig.Webex webex;
  private final GatewayConfig.Oauth oauth;
  private final String instanceId = "poller-" + UUID.randomUUID();
  private WebexClient client;
  private UpstreamGate gate;
  private WatchlistEditor watchlist;
  private Debouncer debouncer;
  private PollPacing pacing;
  private long timerId = -1;
  private LeaseKeeper keeper;
  private long leaseAskedAt;
  private long upstreamAllowedAt;
  private boolean stopped;
  private boolean halted;

  /** OAuth refresh when SOURCE=webex and the three OAuth settings are given, else the fixed token of {@code webex}. */
  public PollerVerticle(GatewayServices services, GatewayConfig.Webex webex) {
    this(services, webex, services.config().source() == GatewayConfig.Source.WEBEX ? services.config().oauth()
        : GatewayConfig.Oauth.none());
  }

  public PollerVerticle(GatewayServices services, GatewayConfig.Webex webex, GatewayConfig.Oauth oauth) {
    this.services = services;
    this.webex = webex;
    this.oauth = oauth;
  }

  @Override
  public Future<?> start() {
    GatewayConfig config = services.config();
    GatewayConfig.Poll poll = config.poll();
    gate = new UpstreamGate(webex.concurrency());
    client = new WebexClient(vertx, webex, gate, config.upstream().personGetMax());
    client.onResponse(metrics()::upstreamCall);
    client.useTokens(oauth.enabled() ? new OauthTokens(vertx, client.http(), gate, services.upstream(), webex, oauth)
        : TokenSource.fixed(webex.token()));
    watchlist = new WatchlistEditor(services.watchlist(), webex.watch(), config.upstream().watchMax());
    debouncer = new Debouncer(config.upstream().debounceMs());
    pacing = new PollPacing(poll.intervalMs(), poll.maxBackoffMs());
    services.pollStatus().effectiveIntervalMs(pacing.effectiveIntervalMs());
    schedule(1);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timerId);
    if (keeper != null) {
      keeper.stop();
    }
    client.close();
    services.pollStatus().leader(false);
    return store().releaseLease(instanceId).recover(e -> {
      LOG.warn("Could not release the poll lease (it expires on its own): {}", e.getMessage());
      return Future.succeededFuture();
    });
  }

  private void schedule(long delayMs) {
    if (!stopped && !halted) {
      timerId = vertx.setTimer(Math.max(1, delayMs), t -> cycle());
    }
  }

  /** Lease first; then, as holder, read upstream unless a pause is still running. Always reschedules. */
  private void cycle() {
    leaseAskedAt = System.currentTimeMillis();
    store().acquireLease(instanceId, leaseTtl())
        .compose(this::asHolderOrNot)
        .onComplete(ar -> schedule(ar.succeeded() ? ar.result() : storeTrouble(ar.cause())));
  }

  private Future<Long> asHolderOrNot(OptionalLong lease) {
    if (lease.isPresent() != services.pollStatus().leader()) {
      metrics().leaseHolderChanged();
      LOG.info(lease.isPresent() ? "Took the poll lease (fencing token {}): this instance polls Webex"
          : "Another instance holds the poll lease: this instance stands by", lease.isPresent() ? lease.getAsLong() : "-");
    }
    services.pollStatus().leader(lease.isPresent());
    if (lease.isEmpty()) {
      return Future.succeededFuture((long) services.config().poll().intervalMs());
    }
    long wait = upstreamAllowedAt - System.currentTimeMillis();
    if (wait > 0) {
      return Future.succeededFuture(Math.min(wait, leaseKeepAliveMs()));
    }
    return services.upstream().throttledUntil().compose(until -> {
      if (until > System.currentTimeMillis()) {
        // another instance was throttled (we may have just taken over): honour its deadline
        gate.pauseUntil(until);
        services.pollStatus().throttledUntil(Instant.ofEpochMilli(until));
        return Future.succeededFuture(pauseUpstream(until - System.currentTimeMillis()));
      }
      return pollUpstream(lease.getAsLong());
    });
  }

  /**
   * watch list → stored state and messages → read upstream, diffing page by page → one atomic apply,
   * with the lease kept alive throughout. A failure applies nothing.
   */
  private Future<Long> pollUpstream(long fencingToken) {
    GatewayConfig.Poll poll = services.config().poll();
    LeaseKeeper cycleKeeper = new LeaseKeeper(vertx, store(), instanceId, fencingToken, poll.leaseTtlMs(),
        poll.leaseRenewMs(), leaseAskedAt);
    keeper = cycleKeeper;
    return observeAndApply(fencingToken, cycleKeeper).onComplete(ar -> cycleKeeper.stop());
  }

  private Future<Long> observeAndApply(long fencingToken, LeaseKeeper cycleKeeper) {
    long callsBefore = client.requestCount();
    long started = System.nanoTime();
    long[] marks = new long[2]; // when the upstream was read, when the diff was finished (for the debug line)
    return watchlist.current()
        .compose(watch -> {
          services.pollStatus().watchList(watch.org(), watch.ids().size());
          return observeAndDiff(watch, marks);
        })
        .compose(read -> apply(fencingToken, cycleKeeper, read.diff())
            .map(events -> {
              long calls = client.requestCount() - callsBefore;
              long ended = System.nanoTime();
              services.pollStatus().cycleCalls(calls);
              metrics().upstreamCallsInCycle((int) calls);
              metrics().pollCycle(Duration.ofNanos(ended - started), true);
              LOG.debug("Poll cycle: {} upstream call(s), {} people seen, {} event(s) appended; read and diffed in {} ms, "
                  + "diff finished in {} ms, stored in {} ms", calls, read.summary().people(), events,
                  (marks[0] - started) / 1_000_000, (marks[1] - marks[0]) / 1_000_000, (ended - marks[1]) / 1_000_000);
              return succeeded(read.summary().people());
            }))
        .recover(e -> {
          long calls = client.requestCount() - callsBefore;
          services.pollStatus().cycleCalls(calls);
          metrics().upstreamCallsInCycle((int) calls);
          metrics().pollCycle(Duration.ofNanos(System.nanoTime() - started), false);
          LOG.debug("Poll cycle failed after {} upstream call(s)", calls);
          return Future.succeededFuture(failed(e));
        })
        .map(this::pauseUpstream);
  }

  /** What one cycle read (its people went into the diff), and the diff against the store. */
  private record Read(WebexClient.Summary summary, PresenceDiff.Result diff) { }

  /**
   * Stored messages and state first; then the upstream read, each page debounced and diffed on the
   * worker thread that parsed it while the next page is on its way, so that the diff of a large org
   * is done when its last page is (and never on the event loop). The diff is finished, and the
   * debouncer's holds kept, only once the whole read succeeded; a failed read changes nothing.
   */
  private Future<Read> observeAndDiff(GatewayConfig.Watch watch, long[] marks) {
    return store().statusMessages().compose(messages -> store().states().compose(states -> {
      PresenceDiff.Running diff = PresenceDiff.start(states, messages);
      Debouncer.Pass held = debouncer.pass(states, System.currentTimeMillis());
      return client.read(watch, people -> diff.add(held.filter(people))).compose(summary -> {
        marks[0] = System.nanoTime();
        return vertx.executeBlocking(() -> {
          held.commit(summary.complete());
          Read read = new Read(summary, diff.finish(summary.gone(), summary.complete()));
          marks[1] = System.nanoTime();
          return read;
        }, false);
      });
    }));
  }

  private Future<Integer> apply(long fencingToken, LeaseKeeper cycleKeeper, PresenceDiff.Result diff) {
    if (stopped) {
      return Future.failedFuture(new IllegalStateException("poller stopped during the cycle"));
    }
    if (cycleKeeper.lost() != null) {
      return Future.failedFuture(cycleKeeper.lost()); // the store would refuse it: do not even send it
    }
    return store().apply(fencingToken, Instant.now(), diff).map(events -> {
      metrics().changesDetected(events.stream().mapToInt(e -> e.items().size()).sum());
      return events.size();
    });
  }

  private GatewayMetrics metrics() {
    return GatewayMetrics.of(services);
  }

  private long succeeded(int people) {
    if (pacing.failures() > 0) {
      LOG.info("Webex polling recovered after {} failed cycle(s)", pacing.failures());
    }
    long delay = pacing.afterSuccess();
    PollStatus status = services.pollStatus();
    status.succeeded(Instant.now(), people);
    status.throttledUntil(null);
    status.effectiveIntervalMs(delay);
    return delay;
  }

  /** Typed upstream failures pace the poller; anything else (store) backs off like a server error. */
  private long failed(Throwable e) {
    PollStatus status = services.pollStatus();
    if (e instanceof StaleLeaseException stale) {
      LOG.warn(stale.expired()
          ? "The poll lease ran out before this cycle ended ({}); its result was discarded; the next cycle asks for the lease again"
          : "Another instance took over polling ({}); this cycle's result was discarded", stale.getMessage());
      status.leader(false);
      return services.config().poll().intervalMs();
    }
    if (!(e instanceof UpstreamException upstream)) {
      LOG.warn("Poll cycle failed: {}", String.valueOf(e), e);
      status.failed("cycle failed: " + e.getMessage(), false);
      return pacing.afterFailure();
    }
    if (upstream.kind() == UpstreamException.Kind.TOKEN_REVOKED) {
      return halt(upstream.getMessage());
    }
    status.failed(upstream.getMessage(), upstream.kind() == UpstreamException.Kind.UNAUTHORIZED);
    return switch (upstream.kind()) {
      case THROTTLED -> throttled(upstream.retryAfter());
      case UNAUTHORIZED -> pacing.afterUnauthorized();
      default -> pacing.afterFailure();
    };
  }

  private long throttled(Duration retryAfter) {
    long delay = pacing.afterThrottle(retryAfter);
    long until = System.currentTimeMillis() + retryAfter.toMillis();
    gate.pauseUntil(until);
    services.upstream().throttleUntil(until)
        .onFailure(e -> LOG.warn("Could not share the throttle deadline through the store: {}", e.getMessage()));
    services.pollStatus().throttledUntil(Instant.now().plusMillis(delay));
    services.pollStatus().effectiveIntervalMs(pacing.effectiveIntervalMs());
    return delay;
  }

  /**
   * Polling cannot go on without an operator (the token source logged what to do): no more cycles on
   * this instance, readiness reports the reason, and the lease is given up.
   */
  private long halt(String reason) {
    halted = true;
    PollStatus status = services.pollStatus();
    status.failed(reason, true);
    status.stopped(reason);
    status.leader(false);
    store().releaseLease(instanceId).onFailure(e -> LOG.debug("Lease release after stop failed: {}", e.getMessage()));
    return 0;
  }

  /** No upstream call before {@code delay} has passed; the timer may tick earlier to keep the lease. */
  private long pauseUpstream(long delayMs) {
    upstreamAllowedAt = System.currentTimeMillis() + delayMs;
    return Math.min(delayMs, leaseKeepAliveMs());
  }

  private long storeTrouble(Throwable e) {
    LOG.warn("Poll cycle could not use the store: {}", e.getMessage());
    services.pollStatus().failed("store unavailable: " + e.getMessage(), false);
    return pacing.afterFailure();
  }

  private long leaseKeepAliveMs() {
    return services.config().poll().leaseRenewMs();
  }

  private Duration leaseTtl() {
    return Duration.ofMillis(services.config().poll().leaseTtlMs());
  }

  private PresenceStore store() {
    return services.store();
  }
}
