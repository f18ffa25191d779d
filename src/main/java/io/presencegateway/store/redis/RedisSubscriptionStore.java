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
 * one {@code {pg}:sub:<id>} string of stored JSON each. Writes go document first, index second (and
 * the reverse on delete), so a listing never names a document that is not there.
 */
public final class RedisSubscriptionStore implements SubscriptionStore {
  static final String INDEX = "{pg}:subs";

  private final RedisCommands redis;

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
  public Future<Optional<Subscription>> get(String id) {
    return redis.send(Request.cmd(Command.GET).arg(key(id)))
        .map(r -> r == null ? Optional.empty() : Optional.of(Subscription.fromStoredJson(new JsonObject(r.toString()))));
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
