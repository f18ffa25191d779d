package io.presencegateway.store;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.Optional;

/**
 * What every instance must know about the Webex account, whichever instance learnt it: the current
 * OAuth token pair (so one instance refreshes for the cluster), a short lock around that refresh (no
 * stampede), and the throttle deadline (so a poller taking over after a failover still waits).
 */
public interface UpstreamStore {

  Future<Optional<StoredToken>> token();

  Future<Void> saveToken(StoredToken token);

  /** Takes the refresh lock for {@code ttl}; false while another holder has it. */
  Future<Boolean> tryRefreshLock(String holder, Duration ttl);

  /** Gives the refresh lock up, if {@code holder} holds it. */
  Future<Void> releaseRefreshLock(String holder);

  /** Epoch ms before which nobody may call Webex, 0 when no throttle is running. */
  Future<Long> throttledUntil();

  /** Records a throttle deadline; an earlier deadline never shortens a later stored one. */
  Future<Void> throttleUntil(long epochMs);

  Future<Void> close();
}
