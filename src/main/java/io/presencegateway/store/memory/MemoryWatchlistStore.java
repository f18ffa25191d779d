package io.presencegateway.store.memory;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.store.WatchlistStore;
import io.vertx.core.Future;

import java.util.Objects;
import java.util.Optional;

/** One instance's watch list; synchronised because HTTP verticles and the poller run on different loops. */
public final class MemoryWatchlistStore implements WatchlistStore {
  private GatewayConfig.Watch watch;

  @Override
  public synchronized Future<Optional<GatewayConfig.Watch>> watch() {
    return Future.succeededFuture(Optional.ofNullable(watch));
  }

  @Override
  public synchronized Future<Boolean> compareAndSet(Optional<GatewayConfig.Watch> expected, GatewayConfig.Watch next) {
    if (!Objects.equals(expected.orElse(null), watch)) {
      return Future.succeededFuture(false);
    }
    watch = next;
    return Future.succeededFuture(true);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
