package io.presencegateway.poll;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.poll.UpstreamException.Kind;
import io.presencegateway.store.StoredToken;
import io.presencegateway.store.UpstreamStore;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * OAuth access tokens that renew themselves: refreshed at ~80 % of {@code expires_in} and once
 * after a 401, with {@code POST {base}/access_token} ({@code grant_type=refresh_token}). The pair
 * lives in the {@link UpstreamStore} (Redis: shared), so one instance refreshes for the cluster: the
 * refresher holds a short lock, the others wait for the new pair to appear. A refused refresh token
 * ({@code invalid_grant}) or {@value #MAX_FAILURES} failed refreshes in a row revoke this source:
 * every later call fails with {@link Kind#TOKEN_REVOKED}. No token ever reaches a log line.
 *
 * <p>Webex rotates the refresh token on every refresh, so the configured {@code WEBEX_REFRESH_TOKEN}
 * is spent after the first one. The instance therefore keeps the newest pair it has seen (its own
 * refresh or one read from the store) in memory. When the shared entry is gone (Redis restarted
 * without persistence, FLUSHALL) or holds an older pair, the instance writes its pair back
 * (compare-and-set: never over a newer pair or another seed's) and refreshes from it; the configured
 * token is used only when nothing newer is known. On a shared store every instance that knows a pair
 * also checks every {@link #GUARD_EVERY} that the entry is still there, so that an instance taking
 * over the lease after the loss finds it; one that knows nothing and has its configured token refused
 * waits up to three such periods for a pair to be written back before it gives up.
 * Use from one event loop (the poller's).
 */
public final class OauthTokens implements TokenSource {
  private static final Logger LOG = LoggerFactory.getLogger(OauthTokens.class);
  static final double REFRESH_AT = 0.8;
  static final int MAX_FAILURES = 5;
  /** How often an instance that knows a pair checks the shared entry is still there (shared stores only). */
  public static final Duration GUARD_EVERY = Duration.ofSeconds(2);
  private static final long WAIT_STEP_MS = 50;
  private static final int MAX_LOCK_ROUNDS = 3;

  private final Vertx vertx;
  private final WebClient client;
  private final UpstreamGate gate;
  private final UpstreamStore store;
  private final GatewayConfig.Webex webex;
  private final GatewayConfig.Oauth oauth;
  private final String seed;
  private final String holder = "tokens-" + UUID.randomUUID();
  private final Duration lockTtl;
  private final long guardMs;
  private StoredToken cached;
  /** The newest pair of this seed this instance has seen; written back when the shared entry is lost. */
  private StoredToken newest;
  private Future<String> inFlight;
  private UpstreamException revoked;
  private int failures;
  private long guardTimer = -1;
  private boolean guarding;
  private boolean closed;

  public OauthTokens(Vertx vertx, WebClient client, UpstreamGate gate, UpstreamStore store, GatewayConfig.Webex webex,
                     GatewayConfig.Oauth oauth) {
    this(vertx, client, gate, store, webex, oauth, GUARD_EVERY);
  }

  /** {@code guardEvery}: how often the shared entry is checked (tests use a short period). */
  public OauthTokens(Vertx vertx, WebClient client, UpstreamGate gate, UpstreamStore store, GatewayConfig.Webex webex,
                     GatewayConfig.Oauth oauth, Duration guardEvery) {
    this.vertx = vertx;
    this.client = client;
    this.gate = gate;
    this.store = store;
    this.webex = webex;
    this.oauth = oauth;
    this.seed = StoredToken.fingerprint(oauth.refreshToken());
    this.lockTtl = Duration.ofMillis(webex.timeoutMs() + 2000L);
    this.guardMs = Math.max(10, guardEvery.toMillis());
  }

  @Override
  public Future<String> token() {
    if (revoked != null) {
      return Future.failedFuture(revoked);
    }
    if (cached != null && System.currentTimeMillis() < cached.refreshAtMs()) {
      return Future.succeededFuture(cached.accessToken());
    }
    return fresh(cached == null ? null : cached.accessToken());
  }

  @Override
  public Future<String> afterRejection(String rejected) {
    return revoked != null ? Future.failedFuture(revoked) : fresh(rejected);
  }

  @Override
  public void close() {
    closed = true;
    if (guardTimer >= 0) {
      vertx.cancelTimer(guardTimer);
      guardTimer = -1;
    }
  }

  /** Concurrent callers (the per-person fan-out) share one refresh. */
  private Future<String> fresh(String stale) {
    if (inFlight != null) {
      return inFlight;
    }
    Promise<String> promise = Promise.promise();
    inFlight = promise.future();
    shared()
        .compose(stored -> usable(stored, stale).map(this::use).orElseGet(() -> locked(stale, 0)))
        .recover(e -> e instanceof RefusedFallback refused
            ? awaitRestored(stale, refused, System.currentTimeMillis() + 3 * guardMs) : Future.failedFuture(e))
        .onComplete(ar -> {
          inFlight = null;
          promise.handle(ar);
        });
    return promise.future();
  }

  /**
   * The shared pair; or, when the entry is missing or older than the newest pair this instance knows,
   * that pair, written back first (compare-and-set) so that every instance finds it.
   */
  private Future<Optional<StoredToken>> shared() {
    return store.token().compose(stored -> {
      StoredToken known = newest;
      Optional<StoredToken> mine = stored.filter(t -> seed.equals(t.seed()));
      if (mine.isPresent() && (known == null || mine.get().generation() >= known.generation())) {
        remember(mine.get());
        return Future.succeededFuture(stored);
      }
      if (known == null || mine.isEmpty() && stored.isPresent()) {
        return Future.succeededFuture(stored); // nothing newer known here, or another seed's pair: leave it
      }
      return store.restoreToken(known).compose(written -> {
        if (written) {
          LOG.warn(stored.isEmpty()
              ? "The shared Webex token entry was missing (Redis restarted or flushed?): wrote back the newest pair this "
                + "instance knows (generation {})"
              : "The shared Webex token entry held an older pair: wrote back the newest this instance knows (generation {})",
              known.generation());
          return Future.succeededFuture(Optional.of(known));
        }
        // another instance wrote meanwhile: take what is there now
        return store.token().map(now -> {
          now.filter(t -> seed.equals(t.seed())).ifPresent(this::remember);
          return now.isPresent() ? now : Optional.of(known);
        });
      });
    });
  }

  /** Keeps {@code token} as the newest known pair unless a newer one is known; starts the guard. */
  private void remember(StoredToken token) {
    if (newest == null || token.generation() >= newest.generation()) {
      newest = token;
    }
    if (guardTimer < 0 && !closed && store.shared()) {
      guardTimer = vertx.setPeriodic(guardMs, id -> guard());
    }
  }

  /** Writes the newest known pair back if the shared entry has been lost meanwhile. */
  private void guard() {
    if (guarding || inFlight != null || revoked != null || closed) {
      return;
    }
    guarding = true;
    shared().onComplete(ar -> {
      guarding = false;
      if (ar.failed()) {
        LOG.debug("Could not check the shared Webex token entry: {}", ar.cause().getMessage());
      }
    });
  }

  /**
   * The configured refresh token was refused while the store knew no newer pair: on a shared store,
   * another instance that knows one may be about to write it back (its guard). Waits for that, then
   * uses it; gives up (revokes) when nothing appears by {@code deadline}.
   */
  private Future<String> awaitRestored(String stale, RefusedFallback refused, long deadline) {
    Promise<Void> tick = Promise.promise();
    vertx.setTimer(Math.max(WAIT_STEP_MS, guardMs / 4), t -> tick.complete());
    return tick.future().compose(v -> store.token()).compose(stored -> {
      Optional<StoredToken> restored = stored.filter(t -> seed.equals(t.seed()) && t.refreshToken() != null);
      if (restored.isPresent()) {
        remember(restored.get());
        LOG.info("Another instance wrote back a newer Webex token pair: using it");
        return usable(stored, stale).map(this::use).orElseGet(() -> locked(stale, 0));
      }
      if (System.currentTimeMillis() < deadline) {
        return awaitRestored(stale, refused, deadline);
      }
      return Future.failedFuture(revoke(refused.getMessage(), refused.trackingId));
    });
  }

  /** A stored pair from the configured refresh token, not the stale one, not due for refresh. */
  private Optional<StoredToken> usable(Optional<StoredToken> stored, String stale) {
    return stored.filter(t -> seed.equals(t.seed()) && t.accessToken() != null && !t.accessToken().equals(stale)
        && System.currentTimeMillis() < t.refreshAtMs());
  }

  private Future<String> use(StoredToken token) {
    cached = token;
    return Future.succeededFuture(token.accessToken());
  }

  private Future<String> locked(String stale, int round) {
    if (round >= MAX_LOCK_ROUNDS) {
      return Future.failedFuture(UpstreamException.of(Kind.NETWORK, "token refresh by another instance did not finish"));
    }
    return store.tryRefreshLock(holder, lockTtl).compose(got -> {
      if (!got) {
        return waitForOther(stale, System.currentTimeMillis() + lockTtl.toMillis(), round);
      }
      // re-read under the lock: another instance may have finished just before we took it
      return shared()
          .compose(stored -> usable(stored, stale).map(this::use).orElseGet(() -> refresh(stored)))
          .transform(ar -> store.releaseRefreshLock(holder).transform(released -> ar.succeeded()
              ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause())));
    });
  }

  private Future<String> waitForOther(String stale, long deadline, int round) {
    Promise<Void> tick = Promise.promise();
    vertx.setTimer(WAIT_STEP_MS, t -> tick.complete());
    return tick.future().compose(v -> store.token()).compose(stored -> {
      Optional<StoredToken> fresh = usable(stored, stale);
      if (fresh.isPresent()) {
        remember(fresh.get());
        return use(fresh.get());
      }
      return System.currentTimeMillis() < deadline ? waitForOther(stale, deadline, round) : locked(stale, round + 1);
    });
  }

  /**
   * Refreshes from the shared pair of this seed ({@link #shared()} has put this instance's newest pair
   * there when the entry was lost), else with the configured refresh token: nothing newer is known, or
   * the entry holds another configured token's pair (a new WEBEX_REFRESH_TOKEN rolled out), which an
   * older chain must not overwrite.
   */
  private Future<String> refresh(Optional<StoredToken> stored) {
    Optional<StoredToken> base = stored.filter(t -> seed.equals(t.seed()) && t.refreshToken() != null);
    String refreshToken = base.map(StoredToken::refreshToken).orElse(oauth.refreshToken());
    long generation = base.map(StoredToken::generation).orElse(0L) + 1;
    boolean configured = base.isEmpty();
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "refresh_token")
        .add("client_id", oauth.clientId()).add("client_secret", oauth.clientSecret()).add("refresh_token", refreshToken);
    return gate.call(() -> client.postAbs(url()).putHeader("Accept", "application/json").timeout(webex.timeoutMs()).sendForm(form))
        .recover(e -> Future.failedFuture(e instanceof UpstreamException u ? u
            : failed(UpstreamException.of(Kind.NETWORK, "token refresh: " + e.getMessage()), null)))
        .compose(response -> answered(response, refreshToken, generation, configured));
  }

  private Future<String> answered(HttpResponse<Buffer> response, String usedRefreshToken, long generation,
                                  boolean configured) {
    int status = response.statusCode();
    String trackingId = response.getHeader("TrackingID");
    if (status == 200) {
      return accepted(response, usedRefreshToken, generation, trackingId);
    }
    if (status == 400 || status == 401) {
      if (configured && store.shared()) {
        LOG.warn("Webex refused the configured WEBEX_REFRESH_TOKEN ({}) and the store holds no newer pair; waiting up to {} s "
            + "for another instance to write one back. TrackingID {}", errorOf(response), 3 * guardMs / 1000.0, trackingId);
        return Future.failedFuture(new RefusedFallback(errorOf(response), trackingId));
      }
      return Future.failedFuture(revoke(errorOf(response), trackingId));
    }
    if (status == 429 || status == 423 || status == 503) {
      Duration wait = RetryAfter.parse(response.getHeader("Retry-After"), webex.retryAfterDefault(), webex.retryAfterMax(), Instant.now());
      gate.pauseUntil(System.currentTimeMillis() + wait.toMillis());
      LOG.warn("Webex throttled the token refresh (HTTP {}); no call for {} s. TrackingID {}", status, wait.toSeconds(), trackingId);
      return Future.failedFuture(new UpstreamException(Kind.THROTTLED, "token refresh throttled (HTTP " + status + ")",
          status, wait, trackingId));
    }
    return Future.failedFuture(failed(new UpstreamException(status >= 500 ? Kind.SERVER_ERROR : Kind.REJECTED,
        "token refresh answered HTTP " + status, status, null, trackingId), trackingId));
  }

  private Future<String> accepted(HttpResponse<Buffer> response, String usedRefreshToken, long generation,
                                  String trackingId) {
    JsonObject body;
    try {
      body = response.bodyAsJsonObject();
    } catch (RuntimeException e) {
      body = null;
    }
    if (body == null || !(body.getValue("access_token") instanceof String access) || !(body.getValue("expires_in") instanceof Number in)) {
      return Future.failedFuture(failed(new UpstreamException(Kind.BAD_RESPONSE,
          "token refresh answer has no access_token/expires_in", 200, null, trackingId), trackingId));
    }
    long now = System.currentTimeMillis();
    long lifeMs = Math.max(1000L, in.longValue() * 1000L);
    String rotated = body.getValue("refresh_token") instanceof String r && !r.isEmpty() ? r : usedRefreshToken;
    StoredToken token = new StoredToken(access, now + (long) (lifeMs * REFRESH_AT), now + lifeMs, rotated, seed, generation);
    remember(token); // kept even if the save below fails: the used refresh token is spent
    failures = 0;
    LOG.info("Webex access token refreshed; valid for {} s, next refresh in about {} s", lifeMs / 1000, (long) (lifeMs * REFRESH_AT) / 1000);
    return store.saveToken(token).compose(v -> use(token));
  }

  /** One more failed refresh; too many in a row revoke the source. */
  private UpstreamException failed(UpstreamException e, String trackingId) {
    failures++;
    LOG.warn("Webex token refresh failed ({} of {} before polling stops): {}. TrackingID {}", failures, MAX_FAILURES,
        e.getMessage(), trackingId);
    return failures >= MAX_FAILURES ? revoke("the refresh failed " + failures + " times in a row (last: " + e.getMessage() + ")", trackingId) : e;
  }

  private UpstreamException revoke(String why, String trackingId) {
    revoked = new UpstreamException(Kind.TOKEN_REVOKED, "Webex token refresh impossible: " + why
        + "; set a new WEBEX_REFRESH_TOKEN and restart", 401, null, trackingId);
    LOG.error("Webex token refresh impossible ({}): polling has stopped. Authorise the integration again, set WEBEX_REFRESH_TOKEN "
        + "to the new refresh token (check WEBEX_CLIENT_ID / WEBEX_CLIENT_SECRET) and restart the gateway. TrackingID {}", why, trackingId);
    return revoked;
  }

  /** Webex's OAuth error code or message, shortened; never the request (it holds secrets). */
  private static String errorOf(HttpResponse<Buffer> response) {
    try {
      JsonObject body = response.bodyAsJsonObject();
      String text = body == null ? null : body.getString("error", body.getString("message"));
      if (text != null) {
        return text.length() > 100 ? text.substring(0, 100) : text;
      }
    } catch (RuntimeException e) {
      // not JSON: the status says enough
    }
    return "HTTP " + response.statusCode();
  }

  private String url() {
    String base = webex.baseUrl().toString();
    return (base.endsWith("/") ? base : base + "/") + "access_token";
  }

  @Override
  public String toString() {
    return "TokenSource[oauth clientId=" + oauth.clientId() + "]";
  }

  /** The configured refresh token was refused while nothing newer was known: wait for a write-back. */
  private static final class RefusedFallback extends RuntimeException {
    private final String trackingId;

    RefusedFallback(String why, String trackingId) {
      super(why, null, false, false);
      this.trackingId = trackingId;
    }
  }
}
