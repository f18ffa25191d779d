package io.presencegateway.store;

import io.presencegateway.config.GatewayConfig;
import io.vertx.core.Future;

import java.util.Optional;

/**
 * The watch list the poller reads every cycle, shared by every instance on the same store. The
 * store only keeps the value and swaps it atomically; the rules (dedup by person, caps, validation)
 * live in {@link io.presencegateway.poll.WatchlistEditor}.
 */
public interface WatchlistStore {

  /** The stored watch list, empty when none was ever stored. */
  Future<Optional<GatewayConfig.Watch>> watch();

  /**
   * Stores {@code next} only if the stored value is still {@code expected} (empty: nothing stored);
   * false when another writer came first (the caller reads again and retries).
   */
  Future<Boolean> compareAndSet(Optional<GatewayConfig.Watch> expected, GatewayConfig.Watch next);

  Future<Void> close();
}
