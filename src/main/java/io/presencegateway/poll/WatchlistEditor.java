package io.presencegateway.poll;

import io.presencegateway.config.GatewayConfig.Watch;
import io.presencegateway.event.PersonIds;
import io.presencegateway.store.WatchlistStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * The rules of the watch list on top of its store: ids are compared by decoded UUID (the same person
 * given padded, URL-safe or as a raw UUID is one entry, kept in the first encoding given), malformed
 * ids are refused by name, an explicit list holds at most {@code maxIds}. Edits are compare-and-set
 * loops, so concurrent edits from several instances never lose one another. Each lost round waits a
 * few random milliseconds (a timer, never a blocked thread) before it reads again, so that racing
 * writers spread out; an edit that still loses {@value #MAX_ATTEMPTS} rounds is refused as a
 * retryable conflict (the API answers 409 with Retry-After), never as an internal error.
 */
public final class WatchlistEditor {
  static final int MAX_ATTEMPTS = 64;
  private static final long MAX_PAUSE_MS = 32;

  private final WatchlistStore store;
  private final Watch initial;
  private final int maxIds;

  /**
   * A refused edit; {@link #conflict} = the edit does not apply to the current mode or lost to
   * concurrent edits (409), else 400; {@link #retryable} = the same edit may well succeed when sent again.
   */
  public static final class Refused extends RuntimeException {
    private final boolean conflict;
    private final boolean retryable;

    Refused(String message, boolean conflict) {
      this(message, conflict, false);
    }

    Refused(String message, boolean conflict, boolean retryable) {
      super(message, null, false, false);
      this.conflict = conflict;
      this.retryable = retryable;
    }

    public boolean conflict() {
      return conflict;
    }

    public boolean retryable() {
      return retryable;
    }
  }

  public WatchlistEditor(WatchlistStore store, Watch initial, int maxIds) {
    this.store = store;
    this.initial = initial;
    this.maxIds = maxIds;
  }

  /** The stored list; the configured one (WEBEX_WATCH) is stored first when the store has none. */
  public Future<Watch> current() {
    return store.watch().compose(stored -> stored.isPresent() ? Future.succeededFuture(stored.get())
        : store.compareAndSet(Optional.empty(), normalised(initial)).compose(set -> current()));
  }

  public Future<Watch> replace(Watch next) {
    Watch checked = next.org() ? Watch.wholeOrg() : new Watch(false, normalised(next.ids()));
    return update(old -> checked, 0);
  }

  public Future<Watch> add(List<String> ids) {
    List<String> added = normalised(ids);
    return update(old -> {
      if (old.org()) {
        throw new Refused("the whole org is watched; PUT {\"ids\": [...]} to watch an explicit list instead", true);
      }
      List<String> all = new ArrayList<>(old.ids());
      all.addAll(added);
      return new Watch(false, normalised(all));
    }, 0);
  }

  /** @return false when the person was not on the list */
  public Future<Boolean> remove(String id) {
    invalidOrThrow(List.of(id));
    String key = PersonIds.key(id);
    return current().compose(old -> {
      if (old.org()) {
        return Future.failedFuture(new Refused("the whole org is watched; PUT {\"ids\": [...]} to watch an explicit list instead", true));
      }
      if (old.ids().stream().noneMatch(i -> PersonIds.key(i).equals(key))) {
        return Future.succeededFuture(false);
      }
      return update(w -> new Watch(false, w.ids().stream().filter(i -> !PersonIds.key(i).equals(key)).toList()), 0)
          .map(true);
    });
  }

  private Future<Watch> update(UnaryOperator<Watch> change, int attempt) {
    if (attempt >= MAX_ATTEMPTS) {
      return Future.failedFuture(new Refused("the watch list was changed by " + MAX_ATTEMPTS
          + " other edits while this one was applied; send it again", true, true));
    }
    return current().compose(old -> {
      Watch next;
      try {
        next = change.apply(old);
      } catch (Refused e) {
        return Future.failedFuture(e);
      }
      return store.compareAndSet(Optional.of(old), next)
          .compose(done -> done ? Future.succeededFuture(next) : pause(attempt).compose(v -> update(change, attempt + 1)));
    });
  }

  /** A random pause that grows with the lost rounds (up to {@value #MAX_PAUSE_MS} ms); none off a Vert.x context. */
  private static Future<Void> pause(int attempt) {
    Context context = Vertx.currentContext();
    if (context == null) {
      return Future.succeededFuture();
    }
    long bound = Math.min(MAX_PAUSE_MS, 1L << Math.min(attempt, 5));
    Promise<Void> done = Promise.promise();
    context.owner().setTimer(1 + ThreadLocalRandom.current().nextLong(bound), id -> done.complete());
    return done.future();
  }

  private Watch normalised(Watch watch) {
    return watch.org() ? Watch.wholeOrg() : new Watch(false, normalised(watch.ids()));
  }

  /** Trimmed, one entry per person (first encoding wins), validated, capped. */
  private List<String> normalised(List<String> ids) {
    invalidOrThrow(ids);
    Map<String, String> byKey = new LinkedHashMap<>();
    for (String id : ids) {
      byKey.putIfAbsent(PersonIds.key(id.trim()), id.trim());
    }
    if (byKey.size() > maxIds) {
      throw new Refused("the watch list would hold " + byKey.size() + " people, more than " + maxIds + " (WEBEX_WATCH_MAX)", false);
    }
    return List.copyOf(byKey.values());
  }

  private static void invalidOrThrow(List<String> ids) {
    List<String> bad = ids.stream().filter(id -> id == null || !PersonIds.isValid(id)).map(String::valueOf).limit(20).toList();
    if (!bad.isEmpty()) {
      throw new Refused("not Webex person ids (base64 of ciscospark://<region>/PEOPLE/<uuid>, or a UUID): " + bad, false);
    }
  }
}
