package io.presencegateway.poll;

import io.presencegateway.config.GatewayConfig.Watch;
import io.presencegateway.event.PersonIds;
import io.presencegateway.store.WatchlistStore;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The rules of the watch list on top of its store: ids are compared by decoded UUID (the same person
 * given padded, URL-safe or as a raw UUID is one entry, kept in the first encoding given), malformed
 * ids are refused by name, an explicit list holds at most {@code maxIds}. Edits are compare-and-set
 * loops, so concurrent edits from several instances never lose one another.
 */
public final class WatchlistEditor {
  private static final int MAX_ATTEMPTS = 20;

  private final WatchlistStore store;
  private final Watch initial;
  private final int maxIds;

  /** A refused edit; {@link #conflict} = the edit does not apply to the current mode (409), else 400. */
  public static final class Refused extends RuntimeException {
    private final boolean conflict;

    Refused(String message, boolean conflict) {
      super(message, null, false, false);
      this.conflict = conflict;
    }

    public boolean conflict() {
      return conflict;
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
      return Future.failedFuture(new IllegalStateException("the watch list changed " + MAX_ATTEMPTS + " times during one edit"));
    }
    return current().compose(old -> {
      Watch next;
      try {
        next = change.apply(old);
      } catch (Refused e) {
        return Future.failedFuture(e);
      }
      return store.compareAndSet(Optional.of(old), next)
          .compose(done -> done ? Future.succeededFuture(next) : update(change, attempt + 1));
    });
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
