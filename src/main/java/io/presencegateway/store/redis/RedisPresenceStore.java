package io.presencegateway.store.redis;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.event.EventId;
import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.event.StatusMessages;
import io.presencegateway.event.Timestamps;
import io.presencegateway.poll.PresenceDiff;
import io.presencegateway.store.PresenceStore;
import io.presencegateway.store.StaleLeaseException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The shared store: any number of gateway instances on one Redis (layout in {@link RedisKeys}).
 * Every command is bounded by {@code REDIS_TIMEOUT_MS}, so a stalled Redis fails the operation
 * instead of hanging it; the pooled client drops broken connections and opens new ones by itself,
 * so the store recovers when Redis comes back. Blocking stream reads (log tail, delivery claims) run
 * on a second, small pool so that they never hold the connections the API and the poller need.
 */
public final class RedisPresenceStore implements PresenceStore {
  /** Entries a dead webhook consumer claimed but never acknowledged are handed out again after this. */
  static final long RECLAIM_IDLE_MS = 30_000;
  private static final long FIRST_PING_MS = 10_000;
  private static final int POOL_SIZE = 16;
  private static final int BLOCKING_POOL_SIZE = 4;
  private static final int POOL_WAITING = 2048;

  /** Baselines and refreshes one apply script stores at most (a first sight of a large org is several). */
  public static final int PUTS_PER_SCRIPT = 5_000;

  /**
   * The state hash as this instance last read or wrote it, and the version ({@code {pg}:state:version})
   * it had then. Immutable: handed out as is to every reader, replaced (never changed) after a write.
   */
  private record Snapshot(String version, Map<String, PersonState> states) { }

  private final Vertx vertx;
  private final Redis redis;
  private final Redis blocking;
  private final long timeoutMs;
  private final int eventLogSize;
  private final LuaScript applyScript = LuaScript.load("apply");
  private final LuaScript acquireScript = LuaScript.load("acquire-lease");
  private final LuaScript renewScript = LuaScript.load("renew-lease");
  private final LuaScript releaseScript = LuaScript.load("release-lease");
  private final LuaScript putMessageScript = LuaScript.load("put-message");
  private final LuaScript deleteMessageScript = LuaScript.load("delete-message");
  private final LuaScript originScript = LuaScript.load("log-origin");
  private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();
  private volatile boolean deliveryGroupReady;

  RedisPresenceStore(Vertx vertx, Redis redis, Redis blocking, GatewayConfig.Store config) {
    this.vertx = vertx;
    this.redis = redis;
    this.blocking = blocking;
    this.timeoutMs = config.redisTimeoutMs();
    this.eventLogSize = config.eventLogSize();
  }

  /** A store on {@code config.redisUrl()}; nothing is sent until the first command. */
  public static RedisPresenceStore create(Vertx vertx, GatewayConfig.Store config) {
    return new RedisPresenceStore(vertx, Redis.createClient(vertx, options(config, POOL_SIZE)),
        Redis.createClient(vertx, options(config, BLOCKING_POOL_SIZE)), config);
  }

  /** {@code redis://[[user]:password@]host[:port][/db]} and {@code rediss://} (TLS) as Vert.x reads them. */
  static RedisOptions options(GatewayConfig.Store config, int poolSize) {
    RedisOptions options = new RedisOptions().setConnectionString(config.redisUrl())
        .setMaxPoolSize(poolSize).setMaxPoolWaiting(POOL_WAITING)
        // RESP2 replies have one shape for every command we parse; RESP3 adds nothing we use
        .setPreferredProtocolVersion(ProtocolVersion.RESP2);
    options.getNetClientOptions().setConnectTimeout(config.redisTimeoutMs()).setTcpKeepAlive(true).setTcpNoDelay(true);
    return options;
  }

  // ---- state and status messages ----

  /**
   * One {@code GET} of the state version; the whole hash only when it moved since this instance last
   * read or wrote it (or has no version yet: a new or flushed Redis, or one written by a gateway that
   * did not keep it). Every write of the hash (apply.lua) sets a new random version, so an unchanged
   * version means an unchanged hash: a poll cycle no longer reads (and parses) the whole org back.
   * The map handed out is shared and must not be changed.
   */
  @Override
  public Future<Map<String, PersonState>> states() {
    return send(Request.cmd(Command.GET).arg(RedisKeys.STATE_VERSION)).compose(reply -> {
      String version = reply == null ? "" : reply.toString();
      Snapshot known = snapshot.get();
      if (known != null && !version.isEmpty() && known.version().equals(version)) {
        return Future.succeededFuture(known.states());
      }
      // the version was read first: the hash is at least that new, so the label can only be too old (a re-read)
      return send(Request.cmd(Command.HGETALL).arg(RedisKeys.STATE))
          .compose(all -> vertx.executeBlocking(() -> parseStates(all), false))
          .onSuccess(states -> snapshot.compareAndSet(known, new Snapshot(version, states)));
    });
  }

  private static Map<String, PersonState> parseStates(Response reply) {
    Map<String, PersonState> out = new HashMap<>();
    RedisJson.hash(reply).forEach((key, json) -> out.put(key, RedisJson.state(json)));
    return Collections.unmodifiableMap(out);
  }

  @Override
  public Future<Optional<PersonState>> state(String personId) {
    return send(Request.cmd(Command.HGET).arg(RedisKeys.STATE).arg(PersonIds.key(personId)))
        .map(reply -> Optional.ofNullable(reply).map(r -> RedisJson.state(r.toString())));
  }

  @Override
  public Future<StatusMessages> statusMessages() {
    return send(Request.cmd(Command.HGETALL).arg(RedisKeys.MESSAGES)).map(reply -> {
      Map<String, Map<String, String>> out = new HashMap<>();
      RedisJson.hash(reply).forEach((key, json) -> out.put(key, RedisJson.messages(json)));
      return new StatusMessages(out);
    });
  }

  @Override
  public Future<Map<String, String>> statusMessages(String personId) {
    return send(Request.cmd(Command.HGET).arg(RedisKeys.MESSAGES).arg(PersonIds.key(personId)))
        .map(reply -> reply == null ? Map.of() : RedisJson.messages(reply.toString()));
  }

  @Override
  public Future<MessagePut> putStatusMessage(String personId, String status, String message, int perPerson, int total) {
    return run(putMessageScript, List.of(RedisKeys.MESSAGES, RedisKeys.MESSAGE_COUNT), PersonIds.key(personId), status, message,
        Integer.toString(perPerson), Integer.toString(total))
        .map(reply -> switch (reply.toInteger()) {
          case 1 -> MessagePut.STORED;
          case 2 -> MessagePut.PERSON_FULL;
          default -> MessagePut.STORE_FULL;
        });
  }

  @Override
  public Future<Boolean> deleteStatusMessage(String personId, String status) {
    return run(deleteMessageScript, List.of(RedisKeys.MESSAGES, RedisKeys.MESSAGE_COUNT), PersonIds.key(personId), status)
        .map(reply -> reply.toLong() == 1L);
  }

  // ---- the atomic step of a cycle ----

  /**
   * One script: fencing check, state writes, and one XADD per org for the changes not stored yet;
   * only what the diff found is sent (a cycle with 1 % changed sends 1 % of the org). More than
   * {@link #PUTS_PER_SCRIPT} baselines and refreshes (the first sight of a large org) are stored
   * ahead in slices of that size, each fenced like the rest: none of them makes an event, so storing
   * them before the changes is harmless, and no single script holds Redis for long.
   */
  @Override
  public Future<List<PresenceEvent>> apply(long token, Instant detectedAt, PresenceDiff.Result diff) {
    String timestamp = Timestamps.format(detectedAt);
    List<PersonState> puts = new ArrayList<>(diff.baselines().size() + diff.refreshed().size());
    puts.addAll(diff.baselines());
    puts.addAll(diff.refreshed());
    int last = Math.max(0, puts.size() - PUTS_PER_SCRIPT);
    Future<Response> ahead = Future.succeededFuture();
    for (int from = 0; from < last; from += PUTS_PER_SCRIPT) {
      List<PersonState> slice = puts.subList(from, Math.min(from + PUTS_PER_SCRIPT, last));
      ahead = ahead.compose(r -> applyScript(token, timestamp, slice, List.of(), List.of()));
    }
    return ahead.compose(r -> applyScript(token, timestamp, puts.subList(last, puts.size()), diff.removed(), diff.changes()))
        .map(reply -> appended(reply, diff.changes(), timestamp));
  }

  /** ARGV: token, timestamp, log size, new version, the three counts, then puts, removed and changes flat. */
  private Future<Response> applyScript(long token, String timestamp, List<PersonState> puts, Collection<String> removed,
                                       List<PresenceDiff.Change> changes) {
    List<String> args = new ArrayList<>(7 + 2 * puts.size() + removed.size() + 5 * changes.size());
    Collections.addAll(args, Long.toString(token), timestamp, Integer.toString(eventLogSize), UUID.randomUUID().toString(),
        Integer.toString(puts.size()), Integer.toString(removed.size()), Integer.toString(changes.size()));
    for (PersonState s : puts) {
      args.add(PersonIds.key(s.id()));
      args.add(RedisJson.state(s));
    }
    args.addAll(removed);
    for (PresenceDiff.Change c : changes) {
      PersonState now = c.current();
      Collections.addAll(args, PersonIds.key(now.id()), RedisJson.state(now), now.orgId() == null ? "" : now.orgId(),
          now.status(), now.statusMessage());
    }
    return run(applyScript, List.of(RedisKeys.STATE, RedisKeys.EVENTS, RedisKeys.LEASE, RedisKeys.STATE_VERSION), args)
        .recover(e -> Future.failedFuture(staleOr(e, token)))
        .compose(reply -> wrote(reply.get(0).toString(), reply.get(1).toString(), puts, removed, changes).map(reply));
  }

  /**
   * After a script that moved the version from {@code before} to {@code after}: the snapshot this
   * instance holds moves along if it was at {@code before} (the script's writes, in its order: puts,
   * removals, the changes not stored yet), and is dropped otherwise (someone else wrote in between).
   * The new snapshot is a copy, made on a worker thread (copying 100,000 people takes milliseconds).
   */
  private Future<Void> wrote(String before, String after, List<PersonState> puts, Collection<String> removed,
                             List<PresenceDiff.Change> changes) {
    Snapshot known = snapshot.get();
    if (before.equals(after) || known == null) {
      return Future.succeededFuture();
    }
    if (before.isEmpty() || !known.version().equals(before)) {
      snapshot.compareAndSet(known, null);
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      Map<String, PersonState> next = new HashMap<>(known.states());
      puts.forEach(s -> next.put(PersonIds.key(s.id()), s));
      removed.forEach(next::remove);
      for (PresenceDiff.Change c : changes) {
        String key = PersonIds.key(c.current().id());
        PersonState stored = next.get(key);
        if (stored == null || stored.changeKeyDiffers(c.current())) {
          next.put(key, c.current());
        }
      }
      snapshot.compareAndSet(known, new Snapshot(after, Collections.unmodifiableMap(next)));
      return null;
    }, false);
  }

  /**
   * The script answers the state version before and after it, then {@code id, "i,j"} pairs: which
   * changes (1-based) went into which event.
   */
  private static List<PresenceEvent> appended(Response reply, List<PresenceDiff.Change> changes, String timestamp) {
    List<PresenceEvent> events = new ArrayList<>();
    for (int i = 2; reply != null && i + 1 < reply.size(); i += 2) {
      List<PersonState> items = new ArrayList<>();
      for (String index : reply.get(i + 1).toString().split(",")) {
        items.add(changes.get(Integer.parseInt(index) - 1).current());
      }
      events.add(new PresenceEvent(reply.get(i).toString(), items.get(0).orgId(), timestamp, items));
    }
    return events;
  }

  private static Throwable staleOr(Throwable e, long token) {
    String message = String.valueOf(e.getMessage());
    if (!message.startsWith("STALE ")) {
      return e;
    }
    return StaleLeaseException.notHeld(token, Long.parseLong(message.substring(6).trim()));
  }

  // ---- the event log ----

  @Override
  public Future<String> lastEventId() {
    return send(Request.cmd(Command.XREVRANGE).arg(RedisKeys.EVENTS).arg("+").arg("-").arg("COUNT").arg(1))
        .compose(reply -> reply == null || reply.size() == 0
            ? run(originScript, List.of(RedisKeys.EVENTS_ORIGIN)).map(Response::toString)
            : Future.succeededFuture(reply.get(0).get(0).toString()));
  }

  /** XREAD BLOCK on the blocking pool: the tail of every instance's log relay. */
  @Override
  public Future<List<PresenceEvent>> readAfter(String afterId, int max, long waitMs) {
    String from = EventId.parse(afterId).map(EventId::toString).orElse("0-0");
    Request read = Request.cmd(Command.XREAD).arg("COUNT").arg(max);
    if (waitMs > 0) {
      read.arg("BLOCK").arg(waitMs);
    }
    read.arg("STREAMS").arg(RedisKeys.EVENTS).arg(from);
    return sendBlocking(read, waitMs).map(reply -> RedisJson.events(RedisJson.streamEntries(reply)));
  }

  /**
   * A gap (reset) when the id is malformed or not in the stream (never issued, or trimmed away);
   * otherwise exactly the entries after it, unless more than {@code max} were missed.
   */
  @Override
  public Future<Replay> replayAfter(String afterId, int max) {
    Optional<EventId> id = EventId.parse(afterId);
    if (id.isEmpty()) {
      return Future.succeededFuture(Replay.reset());
    }
    String from = id.get().toString();
    return send(Request.cmd(Command.XRANGE).arg(RedisKeys.EVENTS).arg(from).arg(from)).compose(found -> {
      if (found == null || found.size() == 0) {
        return send(Request.cmd(Command.GET).arg(RedisKeys.EVENTS_ORIGIN))
            .compose(origin -> origin != null && from.equals(origin.toString()) ? replayFromStart(max)
                : Future.succeededFuture(Replay.reset()));
      }
      return send(Request.cmd(Command.XRANGE).arg(RedisKeys.EVENTS).arg("(" + from).arg("+").arg("COUNT").arg(max + 1L))
          .map(RedisJson::events)
          .map(missed -> missed.size() > max ? Replay.reset() : new Replay(false, missed));
    });
  }

  /**
   * The log's origin is the cursor of a snapshot taken while the log was empty: every event is missed,
   * which is exact only while nothing was ever trimmed (entries-added equals the length).
   */
  private Future<Replay> replayFromStart(int max) {
    return send(Request.cmd(Command.EXISTS).arg(RedisKeys.EVENTS)).compose(exists -> {
      if (exists.toInteger() == 0) {
        return Future.succeededFuture(new Replay(false, List.of()));
      }
      return send(Request.cmd(Command.XINFO).arg("STREAM").arg(RedisKeys.EVENTS)).compose(info -> {
        Response added = info.get("entries-added");
        Response length = info.get("length");
        if (added == null || length == null || added.toLong() != length.toLong()) {
          return Future.succeededFuture(Replay.reset());
        }
        return send(Request.cmd(Command.XRANGE).arg(RedisKeys.EVENTS).arg("-").arg("+").arg("COUNT").arg(max + 1L))
            .map(RedisJson::events)
            .map(all -> all.size() > max ? Replay.reset() : new Replay(false, all));
      });
    });
  }

  // ---- delivery claims: a consumer group on the log ----

  /**
   * First takes over entries another consumer left unacknowledged for {@link #RECLAIM_IDLE_MS} (it
   * died), then reads new ones. The group is made on the first claim, and again when a flushed
   * Redis lost it, from the start of the log ({@code 0}, not {@code $}): events the poller appended
   * before that claim (a change right after the start, or right after the flush) are handed out too.
   */
  @Override
  public Future<List<PresenceEvent>> claimForDelivery(String consumer, int max, long waitMs) {
    return claim(consumer, max, waitMs).recover(e -> {
      if (!String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
        return Future.failedFuture(e);
      }
      deliveryGroupReady = false; // the group is gone (flush): make it again and claim once more
      return claim(consumer, max, waitMs);
    });
  }

  private Future<List<PresenceEvent>> claim(String consumer, int max, long waitMs) {
    return ensureDeliveryGroup()
        .compose(v -> reclaim(consumer, max))
        .compose(reclaimed -> reclaimed.isEmpty() ? readNew(consumer, max, waitMs) : Future.succeededFuture(reclaimed))
        .recover(e -> {
          if (String.valueOf(e.getMessage()).startsWith("NOGROUP")) {
            deliveryGroupReady = false;
          }
          return Future.failedFuture(e);
        });
  }

  private Future<Void> ensureDeliveryGroup() {
    if (deliveryGroupReady) {
      return Future.succeededFuture();
    }
    return send(Request.cmd(Command.XGROUP).arg("CREATE").arg(RedisKeys.EVENTS).arg(RedisKeys.DELIVERY_GROUP).arg("0").arg("MKSTREAM"))
        .<Void>mapEmpty()
        .recover(e -> String.valueOf(e.getMessage()).startsWith("BUSYGROUP") ? Future.succeededFuture() : Future.failedFuture(e))
        .onSuccess(v -> deliveryGroupReady = true);
  }

  private Future<List<PresenceEvent>> reclaim(String consumer, int max) {
    return send(Request.cmd(Command.XAUTOCLAIM).arg(RedisKeys.EVENTS).arg(RedisKeys.DELIVERY_GROUP).arg(consumer)
        .arg(RECLAIM_IDLE_MS).arg("0-0").arg("COUNT").arg(max))
        .map(reply -> reply == null || reply.size() < 2 ? List.of() : RedisJson.events(reply.get(1)));
  }

  private Future<List<PresenceEvent>> readNew(String consumer, int max, long waitMs) {
    Request read = Request.cmd(Command.XREADGROUP).arg("GROUP").arg(RedisKeys.DELIVERY_GROUP).arg(consumer)
        .arg("COUNT").arg(max);
    if (waitMs > 0) {
      read.arg("BLOCK").arg(waitMs);
    }
    read.arg("STREAMS").arg(RedisKeys.EVENTS).arg(">");
    return sendBlocking(read, waitMs).map(reply -> RedisJson.events(RedisJson.streamEntries(reply)));
  }

  @Override
  public Future<Void> ackDelivery(String consumer, String eventId) {
    return send(Request.cmd(Command.XACK).arg(RedisKeys.EVENTS).arg(RedisKeys.DELIVERY_GROUP).arg(eventId)).mapEmpty();
  }

  // ---- the poll lease ----

  @Override
  public Future<OptionalLong> acquireLease(String holder, Duration ttl) {
    return run(acquireScript, List.of(RedisKeys.LEASE, RedisKeys.FENCE), holder, Long.toString(ttl.toMillis()))
        .map(reply -> reply == null ? OptionalLong.empty() : OptionalLong.of(reply.toLong()));
  }

  @Override
  public Future<LeaseRenewal> renewLease(String holder, long token, Duration ttl) {
    return run(renewScript, List.of(RedisKeys.LEASE), holder, Long.toString(token), Long.toString(ttl.toMillis()))
        .map(reply -> switch (reply.toInteger()) {
          case 1 -> LeaseRenewal.RENEWED;
          case 0 -> LeaseRenewal.EXPIRED;
          default -> LeaseRenewal.TAKEN;
        });
  }

  @Override
  public Future<Void> releaseLease(String holder) {
    return run(releaseScript, List.of(RedisKeys.LEASE), holder).mapEmpty();
  }

  /** The lease value is {@code "<holder>|<token>"} (see acquire-lease.lua). */
  @Override
  public Future<Optional<String>> leaseHolder() {
    return send(Request.cmd(Command.GET).arg(RedisKeys.LEASE)).map(reply -> reply == null ? Optional.<String>empty()
        : Optional.of(reply.toString().replaceFirst("\\|\\d+$", "")));
  }

  @Override
  public Future<Void> ping() {
    return send(Request.cmd(Command.PING)).mapEmpty();
  }

  /**
   * The first round trip of a process, with a longer bound than one command: it includes the
   * connection, the protocol handshake and, in a cold JVM, the class loading behind them.
   */
  public Future<Void> firstPing() {
    return redis.send(Request.cmd(Command.PING)).timeout(Math.max(timeoutMs, FIRST_PING_MS), TimeUnit.MILLISECONDS).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    return Future.join(redis.close(), blocking.close()).mapEmpty();
  }

  // ---- plumbing ----

  private Future<Response> send(Request request) {
    return redis.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** A blocking read may take its wait plus the usual command timeout. */
  private Future<Response> sendBlocking(Request request, long waitMs) {
    return blocking.send(request).timeout(Math.max(0, waitMs) + timeoutMs, TimeUnit.MILLISECONDS);
  }

  /** EVALSHA, and EVAL once when the server does not have the script (new or flushed cache). */
  private Future<Response> run(LuaScript script, List<String> keys, String... args) {
    return run(script, keys, List.of(args));
  }

  private Future<Response> run(LuaScript script, List<String> keys, List<String> args) {
    return send(script.evalSha(keys, args)).recover(e -> String.valueOf(e.getMessage()).startsWith("NOSCRIPT")
        ? send(script.eval(keys, args))
        : Future.failedFuture(e));
  }
}
