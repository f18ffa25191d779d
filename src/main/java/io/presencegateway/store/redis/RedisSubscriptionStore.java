package io.presencegateway.store.redis;

import io.presencegateway.store.Subscription;
import io.presencegateway.store.SubscriptionStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Subscriptions in Redis: {@code {pg}:subs} (sorted set, score = creation ms, the listing order) and
 * one {@code {pg}:sub:<id>} string of stored JSON each. A create goes document first, index second
 * (and a delete the reverse), so a listing never names a document that is not there. A change of an
 * existing subscription is a compare-and-set of the whole document against the exact string read
 * (its version): a write in between, or a delete, makes it fail instead of being overwritten.
 */
public final class RedisSubscriptionStore implements SubscriptionStore {
  static final String INDEX = "{pg}:subs";

  private final RedisCommands redis;
  private final LuaScript compareAndSet = LuaScript.load("compare-and-set");

  RedisSubscriptionStore(RedisCommands redis) {
    this.redis = redis;
  }

  private static String key(String id) {
    return "{pg}:sub:" + id;
  }

  @Override
  public Future<Void> put(Subscription s) {
    return redis.send(Request.cmd(Command.SET).arg(key(s.id())).arg(s.toStoredJson().encode()))
        .compose(v -> redis.send(Request.cmd(Command.ZADD).arg(INDEX).arg(s.createdAtMs()).arg(s.id())))
        .mapEmpty();
  }

  @Override
  public Future<Optional<Stored>> read(String id) {
    return redis.send(Request.cmd(Command.GET).arg(key(id))).map(r -> {
      if (r == null) {
        return Optional.empty();
      }
      String raw = r.toString();
      return Optional.of(new Stored(Subscription.fromStoredJson(new JsonObject(raw)), raw));
    });
  }

  /** The document only: the index entry (creation ms) is the same for every version. */
  @Override
  public Future<Boolean> replace(Stored expected, Subscription next) {
    String id = expected.subscription().id();
    if (!next.id().equals(id)) {
      return Future.failedFuture(new IllegalArgumentException("replace must keep the id " + id));
    }
    return redis.run(compareAndSet, List.of(key(id)), List.of(expected.version(), next.toStoredJson().encode()))
        .map(r -> r.toInteger() == 1);
  }

  @Override
  public Future<List<Subscription>> list() {
    return redis.send(Request.cmd(Command.ZRANGE).arg(INDEX).arg(0).arg(-1)).compose(ids -> {
      if (ids == null || ids.size() == 0) {
        return Future.succeededFuture(List.of());
      }
      Request mget = Request.cmd(Command.MGET);
      ids.forEach(id -> mget.arg(key(id.toString())));
      return redis.send(mget).map(RedisSubscriptionStore::documents);
    });
  }

  private static List<Subscription> documents(Response docs) {
    List<Subscription> out = new ArrayList<>();
    for (Response doc : docs) {
      if (doc != null) {
        out.add(Subscription.fromStoredJson(new JsonObject(doc.toString())));
      }
    }
    return out;
  }

  @Override
  public Future<Boolean> delete(String id) {
    return redis.send(Request.cmd(Command.ZREM).arg(INDEX).arg(id))
        .compose(v -> redis.send(Request.cmd(Command.DEL).arg(key(id))))
        .map(r -> r != null && r.toLong() > 0);
  }
}
