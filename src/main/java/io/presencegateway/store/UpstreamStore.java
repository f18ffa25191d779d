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

  /**
   * Compare-and-set for a pair this instance still knows: written only when the shared entry is
   * missing (a restarted or flushed Redis) or holds an older pair (lower {@link StoredToken#generation()})
   * of the same seed. Never replaces a newer pair or one of another seed. True when written.
   */
  Future<Boolean> restoreToken(StoredToken token);

  /**
   * Whether other instances share this state (and it can be lost under them, as a Redis restart
   * does): an instance that knows a newer pair may then write it back for the others.
   */
  default boolean shared() {
    return false;
  }

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
