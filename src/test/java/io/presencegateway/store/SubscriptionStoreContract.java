package io.presencegateway.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Optional;

import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link SubscriptionStore} must do about concurrent changes; run on memory and on a real
 * Redis. {@link #other} is a second view of the same store (with Redis: another client, as another
 * instance would have).
 */
@ExtendWith(VertxExtension.class)
abstract class SubscriptionStoreContract {
  protected SubscriptionStore store;
  protected SubscriptionStore other;

  protected abstract SubscriptionStore newStore(Vertx vertx);

  protected abstract SubscriptionStore sameStore(Vertx vertx);

  @BeforeEach
  void open(Vertx vertx) {
    store = newStore(vertx);
    other = sameStore(vertx);
  }

  static Subscription subscription(String id) {
    return new Subscription(id, "https://example.com/" + id, "whsec_x", null, 0, List.of(), List.of(), "", true, null,
        1_000, 0);
  }

  private static Subscription described(Subscription s, String description) {
    return new Subscription(s.id(), s.targetUrl(), s.secret(), s.previousSecret(), s.previousSecretUntilMs(), s.ids(),
        s.statuses(), description, s.enabled(), s.disabledReason(), s.createdAtMs(), s.failingSinceMs());
  }

  @Test
  void aReplaceOfAVersionChangedMeanwhileIsRefused() {
    result(store.put(subscription("sub_1")));
    SubscriptionStore.Stored read = result(store.read("sub_1")).orElseThrow();
    result(other.put(described(read.subscription(), "api edit")));

    assertThat(result(store.replace(read, read.subscription().withFailingSince(5)))).isFalse();
    assertThat(result(store.get("sub_1")).orElseThrow().description()).isEqualTo("api edit");
  }

  @Test
  void aReplaceOfASubscriptionDeletedMeanwhileIsRefusedAndDoesNotBringItBack() {
    result(store.put(subscription("sub_1")));
    SubscriptionStore.Stored read = result(store.read("sub_1")).orElseThrow();
    result(other.delete("sub_1"));

    assertThat(result(store.replace(read, read.subscription().disabled("410")))).isFalse();
    assertThat(result(store.get("sub_1"))).isEmpty();
    assertThat(result(store.list())).isEmpty();
  }

  @Test
  void anUpdateChangesTheStoredRecordAndNeverCreatesOne() {
    result(store.put(subscription("sub_1")));
    assertThat(result(store.update("sub_1", s -> s.withFailingSince(7))).orElseThrow().failingSinceMs()).isEqualTo(7);
    assertThat(result(other.get("sub_1")).orElseThrow().failingSinceMs()).isEqualTo(7);

    assertThat(result(store.update("sub_gone", s -> s.withFailingSince(7)))).isEmpty();
    assertThat(result(store.get("sub_gone"))).isEmpty();
  }

  @Test
  void concurrentUpdatesFromTwoInstancesLoseNothing() {
    result(store.put(subscription("sub_1")));
    Future<Void> a = appendInTurn(store, "a", 25);
    Future<Void> b = appendInTurn(other, "b", 25);
    result(Future.all(a, b));
    String description = result(store.get("sub_1")).map(Subscription::description).orElseThrow();
    assertThat(description.chars().filter(c -> c == 'a').count()).isEqualTo(25);
    assertThat(description.chars().filter(c -> c == 'b').count()).isEqualTo(25);
  }

  /** {@code times} updates one after the other, each appending {@code mark} to the description. */
  private static Future<Void> appendInTurn(SubscriptionStore s, String mark, int times) {
    Future<Optional<Subscription>> chain = Future.succeededFuture();
    for (int i = 0; i < times; i++) {
      chain = chain.compose(v -> s.update("sub_1", x -> described(x, x.description() + mark)));
    }
    return chain.mapEmpty();
  }
}
