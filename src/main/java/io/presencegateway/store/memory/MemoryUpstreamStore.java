package io.presencegateway.store.memory;

import io.presencegateway.store.StoredToken;
import io.presencegateway.store.UpstreamStore;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.Optional;

/** One instance's upstream state; synchronised because HTTP verticles and the poller run on different loops. */
public final class MemoryUpstreamStore implements UpstreamStore {
  private StoredToken token;
  private String lockHolder;
  private long lockUntil;
  private long throttledUntil;

  @Override
  public synchronized Future<Optional<StoredToken>> token() {
    return Future.succeededFuture(Optional.ofNullable(token));
  }

  @Override
  public synchronized Future<Void> saveToken(StoredToken value) {
    token = value;
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Boolean> restoreToken(StoredToken value) {
    boolean older = token == null || token.seed() != null && token.seed().equals(value.seed())
        && token.generation() < value.generation();
    if (older) {
      token = value;
    }
    return Future.succeededFuture(older);
  }

  @Override
  public synchronized Future<Boolean> tryRefreshLock(String holder, Duration ttl) {
    long now = System.currentTimeMillis();
    if (lockHolder != null && now < lockUntil && !lockHolder.equals(holder)) {
      return Future.succeededFuture(false);
    }
    lockHolder = holder;
    lockUntil = now + ttl.toMillis();
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Void> releaseRefreshLock(String holder) {
    if (holder.equals(lockHolder)) {
      lockHolder = null;
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Long> throttledUntil() {
    return Future.succeededFuture(throttledUntil > System.currentTimeMillis() ? throttledUntil : 0L);
  }

  @Override
  public synchronized Future<Void> throttleUntil(long epochMs) {
    throttledUntil = Math.max(throttledUntil, epochMs);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
