package io.presencegateway.store;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.event.StatusMessages;
import io.presencegateway.poll.Observation;
import io.presencegateway.poll.ObservedPerson;
import io.presencegateway.poll.PresenceDiff;
import io.presencegateway.store.redis.RedisPresenceStore;
import io.presencegateway.testsupport.TestRedis;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static io.presencegateway.testsupport.Await.failure;
import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The contract on a real Redis, plus what only a shared store has: consumer groups, flushes. */
class RedisPresenceStoreContractTest extends PresenceStoreContract {
  private Vertx vertx;

  @Override
  protected PresenceStore newStore(Vertx vertx, int logSize) {
    this.vertx = vertx;
    TestRedis.get().clean();
    return open(vertx, logSize);
  }

  private static PresenceStore open(Vertx vertx, int logSize) {
    return RedisPresenceStore.create(vertx, new GatewayConfig.Store(TestRedis.get().url(), logSize, 2_000));
  }

  @Test
  void eachEventIsClaimedForDeliveryByOneConsumerOnly() {
    result(store.claimForDelivery("sender-a", 10, 0)); // makes the group (from the start of the still empty log)
    cycle(person(ALICE, "active"), person(BOB, "active"));
    List<String> appended = new ArrayList<>();
    String[] statuses = {"call", "meeting"};
    for (int i = 0; i < 20; i++) {
      cycle(person(ALICE, statuses[i % 2]), person(BOB, "active")).forEach(e -> appended.add(e.id()));
    }
    PresenceStore other = open(vertx, LOG_SIZE); // another instance on the same Redis

    List<String> byA = new ArrayList<>();
    List<String> byB = new ArrayList<>();
    for (int round = 0; round < 10 && byA.size() + byB.size() < appended.size(); round++) {
      var a = store.claimForDelivery("sender-a", 3, 100);
      var b = other.claimForDelivery("sender-b", 3, 100);
      result(Future.join(a, b));
      a.result().forEach(e -> byA.add(e.id()));
      b.result().forEach(e -> byB.add(e.id()));
    }

    assertThat(byA).isNotEmpty();
    assertThat(byB).isNotEmpty();
    Set<String> overlap = new HashSet<>(byA);
    overlap.retainAll(byB);
    assertThat(overlap).as("handed to both consumers").isEmpty();
    List<String> all = new ArrayList<>(byA);
    all.addAll(byB);
    assertThat(all).containsExactlyInAnyOrderElementsOf(appended);
    byA.forEach(id -> result(store.ackDelivery("sender-a", id)));
    byB.forEach(id -> result(other.ackDelivery("sender-b", id)));
    assertThat(result(store.claimForDelivery("sender-a", 10, 0))).as("nothing left after the acks").isEmpty();
    result(other.close());
  }

  @Test
  void messagesStoredWithoutTheCounterAreCountedOnceBeforeTheLimitApplies() {
    result(store.putStatusMessage(ALICE, "call", "a"));
    result(store.putStatusMessage(ALICE, "meeting", "b"));
    result(store.putStatusMessage(BOB, "call", "c"));
    TestRedis.get().command(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.DEL).arg("{pg}:msg:count"));

    String carol = io.presencegateway.event.PersonIds.personId("us", java.util.UUID.randomUUID());
    assertThat(result(store.putStatusMessage(carol, "call", "d", 32, 3))).isEqualTo(PresenceStore.MessagePut.STORE_FULL);
    assertThat(TestRedis.get().valueOf("{pg}:msg:count")).isEqualTo("3");
    assertThat(result(store.putStatusMessage(carol, "call", "d", 32, 4))).isEqualTo(PresenceStore.MessagePut.STORED);
    assertThat(TestRedis.get().valueOf("{pg}:msg:count")).isEqualTo("4");
  }

  /** A flush drops the group with the log: events appended before the next claim are still handed out, at once. */
  @Test
  void afterAFlushTheDeliveryGroupIsMadeAgainWithoutLosingTheEventsBeforeTheNextClaim() {
    cycle(person(ALICE, "active"));
    assertThat(cycle(person(ALICE, "call"))).hasSize(1);
    assertThat(result(store.claimForDelivery("sender-a", 10, 0))).hasSize(1); // the group exists now
    TestRedis.get().clean();

    token = lease("poller-1");
    cycle(person(ALICE, "call")); // baseline of the empty store
    List<PresenceEvent> afterFlush = cycle(person(ALICE, "meeting"));
    assertThat(afterFlush).hasSize(1);

    assertThat(result(store.claimForDelivery("sender-a", 10, 0))).as("the first claim after the flush, no error round")
        .extracting(PresenceEvent::id).containsExactly(afterFlush.get(0).id());
  }

  @Test
  void afterAFlushTheLeaseIsTakenAgainAndOldTokensStayStale() {
    cycle(person(ALICE, "active"));
    long before = token;
    TestRedis.get().clean();

    assertThat(failure(store.apply(before, AT, diff(person(ALICE, "active"))))).as("the lease is gone with the data")
        .isInstanceOf(StaleLeaseException.class);
    long after = lease("poller-1");

    assertThat(after).isGreaterThan(before);
    assertThat(result(store.states())).isEmpty();
    token = after;
    assertThat(cycle(person(ALICE, "call"))).as("an empty store is a baseline, not a storm").isEmpty();
    assertThat(cycle(person(ALICE, "meeting"))).hasSize(1);
  }

  @Test
  void twoPollersRacingWithTheSameTokenNeverEmitAChangeTwice() {
    cycle(person(ALICE, "active"), person(BOB, "active"));
    PresenceStore other = open(vertx, LOG_SIZE);
    var diffA = diff(person(ALICE, "call"), person(BOB, "meeting"));
    var diffB = diff(person(ALICE, "call"), person(BOB, "meeting"));

    var a = store.apply(token, AT, diffA);
    var b = other.apply(token, AT, diffB);
    result(Future.join(a, b));

    List<PresenceEvent> events = new ArrayList<>(a.result());
    events.addAll(b.result());
    assertThat(events).hasSize(1);
    assertThat(events.get(0).items()).hasSize(2);
    assertThat(result(store.readAfter("0-0", 10, 0))).hasSize(1);
    result(other.close());
  }

  /**
   * A reader holds the state hash at a version and reads it again only when the version moved: its
   * own writes move its copy along, another instance's write (or a flush) makes it read again. A
   * field written behind the gateway's back without a new version (proof that nothing was re-read)
   * stays unseen until the next real write.
   */
  @Test
  void theStateHashIsReadAgainOnlyWhenItsVersionMoved() {
    cycle(person(ALICE, "active"), person(BOB, "active"));
    Map<String, PersonState> first = result(store.states());
    assertThat(result(store.states())).as("unchanged: the same copy").isSameAs(first);
    assertThatThrownBy(() -> first.clear()).isInstanceOf(UnsupportedOperationException.class);

    TestRedis.get().command(Request.cmd(Command.HSET).arg("{pg}:state").arg("behind-the-back").arg("{}"));
    assertThat(cycle(person(ALICE, "call"), person(BOB, "active"))).hasSize(1);
    Map<String, PersonState> own = result(store.states());
    assertThat(own).as("own write applied to the copy, nothing re-read").containsOnlyKeys(PersonIds.key(ALICE), PersonIds.key(BOB));
    assertThat(own.get(PersonIds.key(ALICE)).status()).isEqualTo("call");

    PresenceStore other = open(vertx, LOG_SIZE);
    TestRedis.get().command(Request.cmd(Command.HDEL).arg("{pg}:state").arg("behind-the-back"));
    var theirs = PresenceDiff.compute(result(other.states()), seen(person(ALICE, "call"), person(BOB, "meeting")),
        result(other.statusMessages()));
    assertThat(result(other.apply(token, AT, theirs))).hasSize(1);
    assertThat(result(store.states()).get(PersonIds.key(BOB)).status()).as("another instance's write is read").isEqualTo("meeting");
    result(other.close());

    TestRedis.get().clean();
    assertThat(result(store.states())).as("a flush is read").isEmpty();
  }

  /** A first sight larger than one script is stored in fenced slices; the changes still make one event. */
  @Test
  void aLargeFirstSightIsStoredInSlicesAndAStaleTokenStoresNone() {
    int people = 2 * RedisPresenceStore.PUTS_PER_SCRIPT + 7;
    List<ObservedPerson> org = new ArrayList<>();
    for (int i = 0; i < people; i++) {
      org.add(person(PersonIds.personId("us", new UUID(7, i)), "active"));
    }
    assertThat(failure(store.apply(token - 1, AT, PresenceDiff.compute(Map.of(), new Observation(org, Set.of(), true),
        StatusMessages.NONE)))).isInstanceOf(StaleLeaseException.class);
    assertThat(result(store.states())).as("a stale token stores nothing").isEmpty();

    cycle(person(ALICE, "active"));
    org.add(person(ALICE, "call"));
    var diff = PresenceDiff.compute(result(store.states()), new Observation(org, Set.of(), true), StatusMessages.NONE);
    assertThat(diff.baselines()).hasSize(people);
    List<PresenceEvent> events = result(store.apply(token, AT, diff));
    assertThat(events).singleElement().extracting(e -> e.items().get(0).status()).isEqualTo("call");
    assertThat(TestRedis.get().command(Request.cmd(Command.HLEN).arg("{pg}:state")).toInteger()).isEqualTo(people + 1);
    assertThat(result(store.states())).hasSize(people + 1);
  }

  @Test
  void anExpiredLeaseGoesToTheNextHolderAndTheOldOneIsRefused() {
    cycle(person(ALICE, "active"));
    long shortLived = result(store.acquireLease("poller-9", Duration.ofMillis(50))).isPresent() ? -1 : token;
    assertThat(shortLived).as("poller-9 cannot take a held lease").isEqualTo(token);
    result(store.releaseLease("poller-1"));
    long t9 = result(store.acquireLease("poller-9", Duration.ofMillis(100))).orElseThrow();

    io.presencegateway.testsupport.Await.until("lease of poller-9 expires", Duration.ofSeconds(5),
        () -> result(store.acquireLease("poller-3", Duration.ofSeconds(30))).isPresent());

    assertThat(failure(store.apply(t9, AT, diff(person(ALICE, "call"))))).isInstanceOf(StaleLeaseException.class);
    long t3 = result(store.acquireLease("poller-3", Duration.ofSeconds(30))).orElseThrow();
    assertThat(t3).isGreaterThan(t9);
  }
}
