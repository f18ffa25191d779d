package io.presencegateway.store.redis;

import io.presencegateway.store.DeliveryStore;
import io.presencegateway.store.QueuedDelivery;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The durable delivery queue (rules in {@link DeliveryStore}). Layout, all under the {@code {pg}}
 * hash tag: {@code {pg}:ready} sorted set of subscriptions with jobs, by when to look at them next;
 * {@code {pg}:due:<sub>} sorted set of that subscription's job ids by due ms; {@code {pg}:job:<sub>/<event>}
 * hash (sub, event, keys, payload, attempts); {@code {pg}:latest:<sub>} hash person → newest event id
 * queued or delivered (the high-water mark, expiring {@link #MARK_TTL} after the last write);
 * {@code {pg}:busy:<sub>} hash person → {@code <until ms>|<job id>} of the claim holding it;
 * {@code {pg}:dlq:<sub>} list of dead letters (JSON); {@code {pg}:attempts:<sub>} list of the newest
 * attempts (JSON). Each state change is one Lua script, so instances never see half a step.
 */
public final class RedisDeliveryStore implements DeliveryStore {
  static final String READY = "{pg}:ready";
  /** Jobs one claim looks at, per subscription and in all: a claim stays cheap behind any backlog. */
  static final int CLAIM_SCAN_PER_SUBSCRIPTION = 100;
  static final int CLAIM_SCAN = 1000;
  static final String MARK_TTL_MS = Long.toString(MARK_TTL.toMillis());
  static final int ATTEMPT_LOG = 100;
  static final int MAX_DEAD_LETTERS = 10_000;

  private final RedisCommands redis;
  private final LuaScript enqueueScript = LuaScript.load("delivery-enqueue");
  private final LuaScript claimScript = LuaScript.load("delivery-claim");
  private final LuaScript finishScript = LuaScript.load("delivery-finish");
  private final LuaScript dropScript = LuaScript.load("delivery-drop");
  private final LuaScript pendingScript = LuaScript.load("delivery-pending");
  private final LuaScript handBackScript = LuaScript.load("delivery-handback");

  RedisDeliveryStore(RedisCommands redis) {
    this.redis = redis;
  }

  @Override
  public Future<Void> enqueue(List<QueuedDelivery> jobs) {
    if (jobs.isEmpty()) {
      return Future.succeededFuture();
    }
    return redis.run(enqueueScript, List.of(READY), enqueueArgs("new", jobs, System.currentTimeMillis())).mapEmpty();
  }

  private static List<String> enqueueArgs(String mode, List<QueuedDelivery> jobs, long nowMs) {
    List<String> args = new ArrayList<>(List.of(Long.toString(nowMs), mode, MARK_TTL_MS));
    for (QueuedDelivery j : jobs) {
      args.addAll(List.of(j.id(), j.subscriptionId(), j.eventId(), String.join(",", j.personKeys()), j.payload()));
    }
    return args;
  }

  @Override
  public Future<List<Claim>> claim(long nowMs, int max, long leaseMs, int perSubscription, Map<String, Integer> inFlight) {
    List<String> args = new ArrayList<>(List.of(Long.toString(nowMs), Integer.toString(max), Long.toString(leaseMs),
        Integer.toString(CLAIM_SCAN_PER_SUBSCRIPTION), Integer.toString(perSubscription), Integer.toString(CLAIM_SCAN)));
    inFlight.forEach((sub, n) -> args.addAll(List.of(sub, Integer.toString(n))));
    return redis.run(claimScript, List.of(READY), args).map(RedisDeliveryStore::claims);
  }

  private static List<Claim> claims(Response reply) {
    List<Claim> out = new ArrayList<>();
    if (reply == null) {
      return out;
    }
    for (Response r : reply) {
      int attempt = r.get(5).toInteger();
      QueuedDelivery job = new QueuedDelivery(r.get(0).toString(), r.get(1).toString(), r.get(2).toString(),
          csv(r.get(3).toString()), r.get(4).toString(), attempt);
      out.add(new Claim(job, Set.copyOf(csv(r.get(6).toString())), attempt));
    }
    return out;
  }

  private static List<String> csv(String s) {
    return s.isEmpty() ? List.of() : Arrays.asList(s.split(","));
  }

  @Override
  public Future<Void> complete(Claim claim) {
    return finish(claim, "done", "", "");
  }

  @Override
  public Future<Void> retry(Claim claim, long dueAtMs) {
    return finish(claim, "retry", Long.toString(dueAtMs), "");
  }

  @Override
  public Future<Void> handBack(Claim claim, long nowMs) {
    QueuedDelivery j = claim.job();
    return redis.run(handBackScript, List.of(READY), List.of(j.id(), j.subscriptionId(),
        String.join(",", claim.livePersonKeys()), Integer.toString(claim.attempt()), Long.toString(nowMs), MARK_TTL_MS))
        .mapEmpty();
  }

  @Override
  public Future<Void> deadLetter(Claim claim, String reason, long nowMs) {
    JsonObject letter = new JsonObject().put("id", claim.job().id()).put("subscriptionId", claim.job().subscriptionId())
        .put("eventId", claim.job().eventId()).put("keys", new io.vertx.core.json.JsonArray(new ArrayList<>(claim.job().personKeys())))
        .put("payload", claim.job().payload()).put("attempts", claim.job().attempts()).put("reason", reason).put("deadAtMs", nowMs);
    return finish(claim, "dead", letter.encode(), Integer.toString(MAX_DEAD_LETTERS));
  }

  private Future<Void> finish(Claim claim, String mode, String... more) {
    QueuedDelivery j = claim.job();
    List<String> args = new ArrayList<>(List.of(mode, j.id(), j.subscriptionId(), j.eventId(),
        String.join(",", claim.livePersonKeys())));
    args.addAll(List.of(more));
    args.add(MARK_TTL_MS);
    return redis.run(finishScript, List.of(READY), args).mapEmpty();
  }

  @Override
  public Future<List<JsonObject>> deadLetters(String subscriptionId, int max) {
    return redis.send(Request.cmd(Command.LRANGE).arg(dlq(subscriptionId)).arg(0).arg(max - 1)).map(RedisDeliveryStore::jsonList);
  }

  /**
   * Reads the dead letters, queues again those that can still be delivered (checked against the
   * newest-event marks in the same script that writes the jobs), then cuts exactly the ones read off
   * the head of the list (new dead letters are appended at its tail meanwhile and stay).
   */
  @Override
  public Future<Replay> replayDeadLetters(String subscriptionId, long nowMs) {
    String key = dlq(subscriptionId);
    return redis.send(Request.cmd(Command.LRANGE).arg(key).arg(0).arg(-1)).map(RedisDeliveryStore::jsonList).compose(letters -> {
      if (letters.isEmpty()) {
        return Future.succeededFuture(new Replay(0, 0));
      }
      List<QueuedDelivery> jobs = letters.stream().map(d -> QueuedDelivery.fresh(subscriptionId, d.getString("eventId"),
          d.getJsonArray("keys").stream().map(String::valueOf).toList(), d.getString("payload"))).toList();
      return redis.run(enqueueScript, List.of(READY), enqueueArgs("replay", jobs, nowMs))
          .compose(counts -> redis.send(Request.cmd(Command.LTRIM).arg(key).arg(letters.size()).arg(-1))
              .map(new Replay(counts.get(0).toInteger(), counts.get(1).toInteger())));
    });
  }

  @Override
  public Future<Void> dropSubscription(String subscriptionId) {
    return redis.run(dropScript, List.of(READY), List.of(subscriptionId)).mapEmpty();
  }

  /** LPUSH and LTRIM in one round trip, in that order on one connection. */
  @Override
  public Future<Void> recordAttempt(String subscriptionId, JsonObject attempt) {
    String key = "{pg}:attempts:" + subscriptionId;
    return redis.batch(List.of(Request.cmd(Command.LPUSH).arg(key).arg(attempt.encode()),
        Request.cmd(Command.LTRIM).arg(key).arg(0).arg(ATTEMPT_LOG - 1))).mapEmpty();
  }

  @Override
  public Future<List<JsonObject>> attempts(String subscriptionId, int max) {
    return redis.send(Request.cmd(Command.LRANGE).arg("{pg}:attempts:" + subscriptionId).arg(0).arg(max - 1))
        .map(RedisDeliveryStore::jsonList);
  }

  @Override
  public Future<Integer> pending() {
    return redis.run(pendingScript, List.of(READY), List.of()).map(Response::toInteger);
  }

  private static String dlq(String subscriptionId) {
    return "{pg}:dlq:" + subscriptionId;
  }

  private static List<JsonObject> jsonList(Response reply) {
    List<JsonObject> out = new ArrayList<>();
    if (reply != null) {
      reply.forEach(r -> out.add(new JsonObject(r.toString())));
    }
    return out;
  }
}
