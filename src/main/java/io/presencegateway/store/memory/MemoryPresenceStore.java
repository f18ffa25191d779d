package io.presencegateway.store.memory;

import io.presencegateway.event.EventId;
import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.event.StatusMessages;
import io.presencegateway.event.Timestamps;
import io.presencegateway.poll.PresenceDiff;
import io.presencegateway.store.PresenceStore;
import io.presencegateway.store.StaleLeaseException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The embedded store: one instance, not durable. Shared by every event loop of the process, so
 * every method takes one short lock; nothing in it blocks on I/O. The event log is a ring buffer of
 * the newest {@code capacity} events.
 */
public final class MemoryPresenceStore implements PresenceStore {
  private final Vertx vertx;
  private final int capacity;
  private final Map<String, PersonState> states = new HashMap<>();
  private final Map<String, Map<String, String>> messages = new HashMap<>();
  private int messageCount;
  private final ArrayDeque<PresenceEvent> log = new ArrayDeque<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private EventId lastId;
  /**
   * The id just before the oldest retained event: at first the log's origin (this store's creation
   * time, so a cursor from an earlier process is unknown here and gets a reset), then the newest
   * event the ring buffer dropped. A resume from exactly this id has missed nothing retained.
   */
  private EventId floorId;
  private String deliveryCursor = "0-0";
  private String leaseHolder;
  private long leaseExpiresAt;
  private long fencingToken;

  private record Waiter(String afterId, int max, Promise<List<PresenceEvent>> promise, Context context) { }

  public MemoryPresenceStore(Vertx vertx, int capacity) {
    this.vertx = vertx;
    this.capacity = capacity;
    this.floorId = new EventId(System.currentTimeMillis(), 0);
    this.lastId = floorId;
  }

  @Override
  public synchronized Future<Map<String, PersonState>> states() {
    return Future.succeededFuture(new HashMap<>(states));
  }

  @Override
  public synchronized Future<Optional<PersonState>> state(String personId) {
    return Future.succeededFuture(Optional.ofNullable(states.get(PersonIds.key(personId))));
  }

  @Override
  public synchronized Future<StatusMessages> statusMessages() {
    Map<String, Map<String, String>> copy = new HashMap<>();
    messages.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
    return Future.succeededFuture(new StatusMessages(copy));
  }

  @Override
  public synchronized Future<Map<String, String>> statusMessages(String personId) {
    return Future.succeededFuture(Map.copyOf(messages.getOrDefault(PersonIds.key(personId), Map.of())));
  }

  @Override
  public synchronized Future<MessagePut> putStatusMessage(String personId, String status, String message, int perPerson,
                                                         int total) {
    Map<String, String> forPerson = messages.get(PersonIds.key(personId));
    if (forPerson == null || !forPerson.containsKey(status)) {
      if (forPerson != null && forPerson.size() >= perPerson) {
        return Future.succeededFuture(MessagePut.PERSON_FULL);
      }
      if (messageCount >= total) {
        return Future.succeededFuture(MessagePut.STORE_FULL);
      }
      messageCount++;
    }
    messages.computeIfAbsent(PersonIds.key(personId), k -> new LinkedHashMap<>()).put(status, message);
    return Future.succeededFuture(MessagePut.STORED);
  }

  @Override
  public synchronized Future<Boolean> deleteStatusMessage(String personId, String status) {
    Map<String, String> forPerson = messages.get(PersonIds.key(personId));
    boolean removed = forPerson != null && forPerson.remove(status) != null;
    if (removed) {
      messageCount--;
      if (forPerson.isEmpty()) {
        messages.remove(PersonIds.key(personId));
      }
    }
    return Future.succeededFuture(removed);
  }

  @Override
  public Future<List<PresenceEvent>> apply(long token, Instant detectedAt, PresenceDiff.Result diff) {
    List<PresenceEvent> appended;
    List<Waiter> woken;
    synchronized (this) {
      if (token < fencingToken) {
        return Future.failedFuture(new StaleLeaseException(token, fencingToken));
      }
      appended = applyLocked(detectedAt, diff);
      woken = appended.isEmpty() ? List.of() : new ArrayList<>(waiters);
      if (!appended.isEmpty()) {
        waiters.clear();
      }
    }
    woken.forEach(this::wake);
    return Future.succeededFuture(appended);
  }

  private List<PresenceEvent> applyLocked(Instant detectedAt, PresenceDiff.Result diff) {
    diff.baselines().forEach(s -> states.put(PersonIds.key(s.id()), s));
    diff.refreshed().forEach(s -> states.put(PersonIds.key(s.id()), s));
    diff.removed().forEach(states::remove);
    Map<String, List<PersonState>> byOrg = new LinkedHashMap<>();
    for (PresenceDiff.Change change : diff.changes()) {
      String key = PersonIds.key(change.current().id());
      PersonState stored = states.get(key);
      if (stored != null && !stored.changeKeyDiffers(change.current())) {
        continue; // already applied: never emit the same change twice
      }
      states.put(key, change.current());
      byOrg.computeIfAbsent(change.current().orgId(), o -> new ArrayList<>()).add(change.current());
    }
    List<PresenceEvent> appended = new ArrayList<>();
    String timestamp = Timestamps.format(detectedAt);
    byOrg.forEach((org, items) -> appended.add(append(org, timestamp, items)));
    return appended;
  }

  private PresenceEvent append(String orgId, String timestamp, List<PersonState> items) {
    lastId = EventId.next(lastId, System.currentTimeMillis());
    PresenceEvent event = new PresenceEvent(lastId.toString(), orgId, timestamp, items);
    log.addLast(event);
    while (log.size() > capacity) {
      floorId = EventId.parse(log.removeFirst().id()).orElseThrow();
    }
    return event;
  }

  @Override
  public synchronized Future<String> lastEventId() {
    return Future.succeededFuture(lastId.toString());
  }

  @Override
  public Future<List<PresenceEvent>> readAfter(String afterId, int max, long waitMs) {
    Promise<List<PresenceEvent>> promise = Promise.promise();
    Waiter waiter = new Waiter(afterId, max, promise, vertx.getOrCreateContext());
    synchronized (this) {
      List<PresenceEvent> ready = after(afterId, max);
      if (!ready.isEmpty() || waitMs <= 0) {
        return Future.succeededFuture(ready);
      }
      waiters.add(waiter);
    }
    vertx.setTimer(waitMs, t -> {
      boolean pending;
      synchronized (this) {
        pending = waiters.remove(waiter);
      }
      if (pending) {
        wake(waiter);
      }
    });
    return promise.future();
  }

  private void wake(Waiter waiter) {
    List<PresenceEvent> events;
    synchronized (this) {
      events = after(waiter.afterId, waiter.max);
    }
    waiter.context.runOnContext(v -> waiter.promise.tryComplete(events));
  }

  private List<PresenceEvent> after(String afterId, int max) {
    EventId from = EventId.parse(afterId).orElse(new EventId(0, 0));
    List<PresenceEvent> out = new ArrayList<>();
    Iterator<PresenceEvent> it = log.descendingIterator();
    while (it.hasNext()) {
      PresenceEvent e = it.next();
      if (EventId.parse(e.id()).orElseThrow().compareTo(from) <= 0) {
        break;
      }
      out.add(e);
    }
    Collections.reverse(out); // collected newest first (walking back to the cursor); oldest first out
    return out.size() > max ? new ArrayList<>(out.subList(0, max)) : out;
  }

  @Override
  public synchronized Future<Replay> replayAfter(String afterId, int max) {
    boolean fromFloor = floorId.toString().equals(afterId); // e.g. a snapshot taken while the log was empty
    if (!fromFloor && (EventId.parse(afterId).isEmpty() || log.stream().noneMatch(e -> e.id().equals(afterId)))) {
      return Future.succeededFuture(Replay.reset());
    }
    List<PresenceEvent> missed = after(afterId, Integer.MAX_VALUE);
    return Future.succeededFuture(missed.size() > max ? Replay.reset() : new Replay(false, missed));
  }

  /** One process, so one consumer: a cursor over the ring buffer, advanced as events are claimed. */
  @Override
  public Future<List<PresenceEvent>> claimForDelivery(String consumer, int max, long waitMs) {
    String from;
    synchronized (this) {
      from = deliveryCursor;
    }
    return readAfter(from, max, waitMs).map(events -> {
      synchronized (this) {
        List<PresenceEvent> fresh = events.stream()
            .filter(e -> EventId.parse(e.id()).orElseThrow().compareTo(EventId.parse(deliveryCursor).orElseThrow()) > 0).toList();
        if (!fresh.isEmpty()) {
          deliveryCursor = fresh.get(fresh.size() - 1).id();
        }
        return fresh;
      }
    });
  }

  @Override
  public Future<Void> ackDelivery(String consumer, String eventId) {
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<OptionalLong> acquireLease(String holder, Duration ttl) {
    long now = System.currentTimeMillis();
    if (leaseHolder != null && !leaseHolder.equals(holder) && now < leaseExpiresAt) {
      return Future.succeededFuture(OptionalLong.empty());
    }
    if (!holder.equals(leaseHolder)) {
      leaseHolder = holder;
      fencingToken++;
    }
    leaseExpiresAt = now + ttl.toMillis();
    return Future.succeededFuture(OptionalLong.of(fencingToken));
  }

  @Override
  public synchronized Future<LeaseRenewal> renewLease(String holder, long token, Duration ttl) {
    long now = System.currentTimeMillis();
    boolean live = leaseHolder != null && now < leaseExpiresAt;
    if (!live) {
      return Future.succeededFuture(LeaseRenewal.EXPIRED);
    }
    if (!holder.equals(leaseHolder) || token != fencingToken) {
      return Future.succeededFuture(LeaseRenewal.TAKEN);
    }
    leaseExpiresAt = now + ttl.toMillis();
    return Future.succeededFuture(LeaseRenewal.RENEWED);
  }

  @Override
  public synchronized Future<Void> releaseLease(String holder) {
    if (holder.equals(leaseHolder)) {
      leaseHolder = null;
    }
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<Optional<String>> leaseHolder() {
    boolean held = leaseHolder != null && System.currentTimeMillis() < leaseExpiresAt;
    return Future.succeededFuture(held ? Optional.of(leaseHolder) : Optional.empty());
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }
}
