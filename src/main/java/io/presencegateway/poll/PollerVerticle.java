package io.presencegateway.poll;

import io.presencegateway.GatewayServices;
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
 * result atomically with its fencing token. The store appends the events and the log relay
 * publishes them: this verticle never touches the bus.
 *
 * <p>While throttled or backing off, the timer keeps ticking at most every third of the lease TTL
 * so that the lease stays held (no other instance steps in and calls upstream during a
 * Retry-After), but no upstream call is made before the pause has elapsed.
 */
public final class PollerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PollerVerticle.class);

  private final GatewayServices services;
  private final GatewayConfig.Webex webex;
  private final String instanceId = "poller-" + UUID.randomUUID();
  private WebexClient client;
  private PollPacing pacing;
  private long timerId = -1;
  private long upstreamAllowedAt;
  private boolean stopped;

  public PollerVerticle(GatewayServices services, GatewayConfig.Webex webex) {
    this.services = services;
    this.webex = webex;
  }

  @Override
  public Future<?> start() {
    GatewayConfig.Poll poll = services.config().poll();
    client = new WebexClient(vertx, webex);
    pacing = new PollPacing(poll.intervalMs(), poll.maxBackoffMs());
    services.pollStatus().effectiveIntervalMs(pacing.effectiveIntervalMs());
    schedule(1);
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timerId);
    client.close();
    services.pollStatus().leader(false);
    return store().releaseLease(instanceId).recover(e -> {
      LOG.warn("Could not release the poll lease (it expires on its own): {}", e.getMessage());
      return Future.succeededFuture();
    });
  }

  private void schedule(long delayMs) {
    if (!stopped) {
      timerId = vertx.setTimer(Math.max(1, delayMs), t -> cycle());
    }
  }

  /** Lease first; then, as holder, read upstream unless a pause is still running. Always reschedules. */
  private void cycle() {
    store().acquireLease(instanceId, leaseTtl())
        .compose(this::asHolderOrNot)
        .onComplete(ar -> schedule(ar.succeeded() ? ar.result() : storeTrouble(ar.cause())));
  }

  private Future<Long> asHolderOrNot(OptionalLong lease) {
    services.pollStatus().leader(lease.isPresent());
    if (lease.isEmpty()) {
      return Future.succeededFuture((long) services.config().poll().intervalMs());
    }
    long wait = upstreamAllowedAt - System.currentTimeMillis();
    if (wait > 0) {
      return Future.succeededFuture(Math.min(wait, leaseKeepAliveMs()));
    }
    return pollUpstream(lease.getAsLong());
  }

  /** observe → diff against stored state and messages → one atomic apply. A failure applies nothing. */
  private Future<Long> pollUpstream(long fencingToken) {
    long callsBefore = client.requestCount();
    return client.observe(webex.watch())
        .compose(observation -> diff(observation)
            .compose(diff -> apply(fencingToken, diff))
            .map(events -> {
              LOG.debug("Poll cycle: {} upstream call(s), {} people seen, {} event(s) appended",
                  client.requestCount() - callsBefore, observation.people().size(), events);
              return succeeded(observation);
            }))
        .recover(e -> {
          LOG.debug("Poll cycle failed after {} upstream call(s)", client.requestCount() - callsBefore);
          return Future.succeededFuture(failed(e));
        })
        .map(this::pauseUpstream);
  }

  private Future<PresenceDiff.Result> diff(Observation observation) {
    return store().statusMessages().compose(messages -> store().states()
        .map(states -> PresenceDiff.compute(states, observation, messages)));
  }

  private Future<Integer> apply(long fencingToken, PresenceDiff.Result diff) {
    if (stopped) {
      return Future.failedFuture(new IllegalStateException("poller stopped during the cycle"));
    }
    return store().apply(fencingToken, Instant.now(), diff).map(List::size);
  }

  private long succeeded(Observation observation) {
    if (pacing.failures() > 0) {
      LOG.info("Webex polling recovered after {} failed cycle(s)", pacing.failures());
    }
    long delay = pacing.afterSuccess();
    PollStatus status = services.pollStatus();
    status.succeeded(Instant.now(), observation.people().size());
    status.throttledUntil(null);
    status.effectiveIntervalMs(delay);
    return delay;
  }

  /** Typed upstream failures pace the poller; anything else (store) backs off like a server error. */
  private long failed(Throwable e) {
    PollStatus status = services.pollStatus();
    if (e instanceof StaleLeaseException) {
      LOG.warn("Another instance took over polling; this cycle's result was discarded");
      status.leader(false);
      return services.config().poll().intervalMs();
    }
    if (!(e instanceof UpstreamException upstream)) {
      LOG.warn("Poll cycle failed: {}", String.valueOf(e), e);
      status.failed("cycle failed: " + e.getMessage(), false);
      return pacing.afterFailure();
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
    services.pollStatus().throttledUntil(Instant.now().plusMillis(delay));
    services.pollStatus().effectiveIntervalMs(pacing.effectiveIntervalMs());
    return delay;
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
    return Math.max(1, services.config().poll().leaseTtlMs() / 3);
  }

  private Duration leaseTtl() {
    return Duration.ofMillis(services.config().poll().leaseTtlMs());
  }

  private PresenceStore store() {
    return services.store();
  }
}
