package io.presencegateway.event;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which people and statuses a reader wants: empty sets mean "all". People are matched by key
 * (UUID), so any encoding of an id selects the same person. Shared by the read API, SSE, WebSocket
 * and webhook subscriptions.
 */
public record PresenceFilter(Set<String> personKeys, Set<String> statuses) implements Predicate<PersonState> {
  public static final PresenceFilter ALL = new PresenceFilter(Set.of(), Set.of());
  /** Upper bound on ids or statuses in one filter, so a filter cannot be made arbitrarily costly. */
  public static final int MAX_ENTRIES = 1000;

  public PresenceFilter {
    personKeys = Set.copyOf(personKeys);
    statuses = Set.copyOf(statuses);
  }

  /**
   * Builds a filter from id and status lists.
   *
   * @throws IllegalArgumentException naming the first malformed id or status, or a list too long
   */
  public static PresenceFilter of(Collection<String> ids, Collection<String> statusValues) {
    if (ids.size() > MAX_ENTRIES || statusValues.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException("a filter holds at most " + MAX_ENTRIES + " ids and " + MAX_ENTRIES + " statuses");
    }
    Set<String> keys = new HashSet<>();
    for (String id : ids) {
      keys.add(PersonIds.uuidOf(id).orElseThrow(() -> new IllegalArgumentException("'" + shorten(id) + "' is not a Webex person id")));
    }
    Set<String> statuses = new LinkedHashSet<>();
    for (String s : statusValues) {
      statuses.add(StatusKinds.canonical(s).orElseThrow(() -> new IllegalArgumentException("'" + shorten(s) + "' is not a status")));
    }
    return new PresenceFilter(keys, statuses);
  }

  /** Parses comma-separated query parameters ({@code ?ids=a,b&statuses=call,meeting}); null = none. */
  public static PresenceFilter parse(String idsParam, String statusesParam) {
    return of(split(idsParam), split(statusesParam));
  }

  public boolean acceptsAll() {
    return personKeys.isEmpty() && statuses.isEmpty();
  }

  @Override
  public boolean test(PersonState state) {
    return (personKeys.isEmpty() || personKeys.contains(PersonIds.key(state.id())))
        && (statuses.isEmpty() || statuses.contains(state.status()));
  }

  private static List<String> split(String param) {
    if (param == null || param.isBlank()) {
      return List.of();
    }
    return List.of(param.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
