package io.presencegateway.store;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link DeliveryStore} must do; run on memory and on a real Redis. */
@ExtendWith(VertxExtension.class)
abstract class DeliveryStoreContract {
  static final String SUB = "sub_a";
  static final long LEASE = 10_000;
  protected DeliveryStore store;

  protected abstract DeliveryStore newStore(Vertx vertx);

  @BeforeEach
  void open(Vertx vertx) {
    store = newStore(vertx);
  }

  static QueuedDelivery job(String sub, String eventId, String... people) {
    return QueuedDelivery.fresh(sub, eventId, List.of(people), "{\"e\":\"" + eventId + "\"}");
  }

  private List<DeliveryStore.Claim> claim(long now) {
    return result(store.claim(now, 10, LEASE, 4, Map.of()));
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  @Test
  void aJobIsClaimedOnceWithItsPayloadThenCompleted() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1", "p2"))));
    List<DeliveryStore.Claim> first = claim(now());
    assertThat(first).hasSize(1);
    assertThat(first.get(0).job().payload()).isEqualTo("{\"e\":\"100-0\"}");
    assertThat(first.get(0).livePersonKeys()).containsExactlyInAnyOrder("p1", "p2");
    assertThat(first.get(0).attempt()).isEqualTo(1);
    assertThat(claim(now())).as("hidden while claimed").isEmpty();

    result(store.complete(first.get(0)));
    assertThat(result(store.pending())).isZero();
  }

  @Test
  void enqueueingTheSameJobTwiceKeepsOneJobAndItsAttempts() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"))));
    DeliveryStore.Claim c = claim(now()).get(0);
    result(store.retry(c, now()));
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"))));
    assertThat(result(store.pending())).isEqualTo(1);
    assertThat(claim(now()).get(0).attempt()).isEqualTo(2);
  }

  @Test
  void aNewerStateOfAPersonSupersedesTheOlderJob() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1", "p2"))));
    result(store.enqueue(List.of(job(SUB, "200-0", "p1"))));
    List<DeliveryStore.Claim> claims = claim(now());
    assertThat(claims).extracting(c -> c.job().eventId()).containsExactly("100-0", "200-0");
    assertThat(claims.get(0).livePersonKeys()).containsExactly("p2"); // p1 of the old event is superseded
    assertThat(claims.get(1).livePersonKeys()).containsExactly("p1");
  }

  @Test
  void aJobWhosePeopleAllHaveNewerStatesIsDropped() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"))));
    result(store.enqueue(List.of(job(SUB, "200-0", "p1"))));
    assertThat(claim(now())).extracting(c -> c.job().eventId()).containsExactly("200-0");
    assertThat(result(store.pending())).isEqualTo(1);
  }

  @Test
  void anOlderEventQueuedLateDoesNotMoveTheNewestStateBack() {
    result(store.enqueue(List.of(job(SUB, "200-0", "p1"))));
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"))));
    assertThat(claim(now())).extracting(c -> c.job().eventId()).containsExactly("200-0");
  }

  @Test
  void aPersonOnTheWireHoldsBackTheNextJobForThatPerson() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"))));
    DeliveryStore.Claim old = claim(now()).get(0);
    result(store.enqueue(List.of(job(SUB, "200-0", "p1"), job(SUB, "201-0", "p9"))));
    assertThat(claim(now())).extracting(c -> c.job().eventId()).containsExactly("201-0");

    result(store.retry(old, now())); // the old attempt failed; its person is free, the old job superseded
    assertThat(claim(now())).extracting(c -> c.job().eventId()).containsExactly("200-0");
  }

  @Test
  void aClaimThatIsNeverFinishedComesDueAgainAfterTheLease() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"))));
    long t = now();
    assertThat(claim(t)).hasSize(1);
    assertThat(claim(t + LEASE - 1)).isEmpty();
    List<DeliveryStore.Claim> again = claim(t + LEASE + 1);
    assertThat(again).hasSize(1);
    assertThat(again.get(0).attempt()).isEqualTo(2);
  }

  @Test
  void aRetryComesDueAtItsTime() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"))));
    long t = now();
    result(store.retry(claim(t).get(0), t + 5_000));
    assertThat(claim(t + 4_000)).isEmpty();
    assertThat(claim(t + 5_000)).hasSize(1);
  }

  @Test
  void aClaimTakesNoMoreThanTheFreeSlotsOfASubscription() {
    for (int i = 0; i < 6; i++) {
      result(store.enqueue(List.of(job(SUB, (100 + i) + "-0", "p" + i))));
    }
    result(store.enqueue(List.of(job("sub_b", "300-0", "p1"))));
    List<DeliveryStore.Claim> claims = result(store.claim(now(), 10, LEASE, 4, Map.of(SUB, 3)));
    assertThat(claims).extracting(c -> c.job().subscriptionId()).containsExactlyInAnyOrder(SUB, "sub_b");
  }

  @Test
  void deadLettersAreListedAndCanBeReplayed() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"))));
    result(store.deadLetter(claim(now()).get(0), "HTTP 500", now()));
    assertThat(result(store.pending())).isZero();
    List<JsonObject> dead = result(store.deadLetters(SUB, 10));
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).getString("eventId")).isEqualTo("100-0");
    assertThat(dead.get(0).getString("reason")).isEqualTo("HTTP 500");

    assertThat(result(store.replayDeadLetters(SUB, now()))).isEqualTo(new DeliveryStore.Replay(1, 0));
    assertThat(result(store.deadLetters(SUB, 10))).isEmpty();
    List<DeliveryStore.Claim> again = claim(now());
    assertThat(again).hasSize(1);
    assertThat(again.get(0).attempt()).isEqualTo(1);
    assertThat(again.get(0).job().payload()).isEqualTo("{\"e\":\"100-0\"}");
  }

  @Test
  void aNewerEventIsLiveAfterTheNewestStateWasDelivered() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"))));
    result(store.enqueue(List.of(job(SUB, "200-0", "p1"))));
    DeliveryStore.Claim newest = claim(now()).get(0);
    result(store.complete(newest));
    assertThat(result(store.pending())).isZero();
    // the mark stays on 200-0 after delivery; a newer event for the same person passes it
    result(store.enqueue(List.of(job(SUB, "300-0", "p1"))));
    assertThat(claim(now())).extracting(c -> c.job().eventId()).containsExactly("300-0");
  }

  @Test
  void droppingASubscriptionRemovesItsJobsDeadLettersAndLog() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"), job(SUB, "101-0", "p2"), job("sub_b", "100-0", "p1"))));
    result(store.recordAttempt(SUB, new JsonObject().put("n", 1)));
    result(store.dropSubscription(SUB));
    assertThat(result(store.attempts(SUB, 10))).isEmpty();
    assertThat(claim(now())).extracting(c -> c.job().subscriptionId()).containsExactly("sub_b");
  }

  @Test
  void theAttemptLogKeepsTheNewestFirst() {
    for (int i = 0; i < 3; i++) {
      result(store.recordAttempt(SUB, new JsonObject().put("n", i)));
    }
    assertThat(result(store.attempts(SUB, 2))).extracting(j -> j.getInteger("n")).containsExactly(2, 1);
  }

  // ---- isolation: one subscription's backlog never hides another's jobs ----

  private static List<QueuedDelivery> backlog(String sub, int jobs, boolean samePerson) {
    List<QueuedDelivery> out = new ArrayList<>();
    for (int i = 0; i < jobs; i++) {
      out.add(job(sub, (1_000 + i) + "-0", samePerson ? "p" : "p" + i));
    }
    return out;
  }

  @Test
  void aSubscriptionAtItsLimitWithAHugeBacklogDoesNotStarveAnother() {
    result(store.enqueue(backlog("sub_hang", 1_200, false)));
    result(store.enqueue(List.of(job("sub_ok", "9000-0", "p1"))));
    List<DeliveryStore.Claim> claims = result(store.claim(now(), 10, LEASE, 4, Map.of("sub_hang", 4)));
    assertThat(claims).extracting(c -> c.job().subscriptionId()).containsExactly("sub_ok");
  }

  @Test
  void aHugeBacklogGetsItsFreeSlotsAndTheOtherSubscriptionsStillGetTheirs() {
    result(store.enqueue(backlog("sub_hang", 1_200, false)));
    result(store.enqueue(List.of(job("sub_ok", "9000-0", "p1"))));
    List<DeliveryStore.Claim> claims = result(store.claim(now(), 10, LEASE, 4, Map.of()));
    assertThat(claims).extracting(c -> c.job().subscriptionId()).containsOnly("sub_hang", "sub_ok")
        .filteredOn("sub_hang"::equals).hasSize(4);
    assertThat(claims).extracting(c -> c.job().subscriptionId()).contains("sub_ok");
  }

  @Test
  void aBacklogOfSupersededJobsNeitherStarvesOthersNorStays() {
    result(store.enqueue(backlog("sub_x", 1_200, true))); // one person: only the newest job is live
    result(store.enqueue(List.of(job("sub_ok", "9000-0", "p1"))));
    assertThat(result(store.claim(now(), 10, LEASE, 4, Map.of("sub_x", 4))))
        .extracting(c -> c.job().subscriptionId()).containsExactly("sub_ok");

    List<String> claimed = new ArrayList<>();
    long t = now();
    for (int round = 1; round <= 50 && claimed.isEmpty(); round++) { // each claim cleans a bounded part
      result(store.claim(t + round, 10, LEASE, 4, Map.of("sub_ok", 1))).forEach(c -> claimed.add(c.job().eventId()));
    }
    assertThat(claimed).containsExactly("2199-0");
    assertThat(result(store.pending())).as("superseded jobs are gone").isEqualTo(2);
  }

  @Test
  void manySubscriptionsAllAtTheirLimitDoNotStarveAnother() {
    for (int s = 0; s < 300; s++) {
      result(store.enqueue(backlog("sub_" + s, 5, false)));
    }
    result(store.enqueue(List.of(job("sub_zz", "9000-0", "p1"))));
    Map<String, Integer> inFlight = new java.util.HashMap<>();
    for (int s = 0; s < 300; s++) {
      inFlight.put("sub_" + s, 4);
    }
    assertThat(result(store.claim(now(), 10, LEASE, 4, inFlight)))
        .extracting(c -> c.job().subscriptionId()).containsExactly("sub_zz");
  }

  @Test
  void manySubscriptionsWaitingForAPersonOnTheWireDoNotHideAnother() {
    List<QueuedDelivery> onTheWire = new ArrayList<>();
    for (int s = 0; s < 150; s++) {
      onTheWire.add(job("sub_" + s, "100-0", "p"));
    }
    result(store.enqueue(onTheWire));
    assertThat(result(store.claim(now(), 200, LEASE, 4, Map.of()))).hasSize(150); // another instance holds them
    List<QueuedDelivery> waiting = new ArrayList<>();
    for (int s = 0; s < 150; s++) {
      waiting.add(job("sub_" + s, "200-0", "p")); // newer state of the held person: waits for the attempt
    }
    result(store.enqueue(waiting));
    result(store.enqueue(List.of(job("sub_zz", "300-0", "p1"))));
    assertThat(result(store.claim(now(), 10, LEASE, 4, Map.of())))
        .extracting(c -> c.job().subscriptionId()).containsExactly("sub_zz");
  }

  /** A burst of 100 subscriptions × 10 jobs: one claim fills every subscription's free slots, no more. */
  @Test
  void oneClaimServesEveryReadySubscriptionUpToItsFreeSlots() {
    List<QueuedDelivery> burst = new ArrayList<>();
    for (int e = 0; e < 10; e++) {
      for (int s = 0; s < 100; s++) {
        burst.add(job("sub_" + s, (100 + e) + "-0", "p" + e));
      }
    }
    result(store.enqueue(burst));
    Map<String, Integer> inFlight = Map.of("sub_7", 3, "sub_8", 4);
    List<DeliveryStore.Claim> claims = result(store.claim(now(), 400, LEASE, 4, inFlight));

    Map<String, Long> perSub = claims.stream().collect(java.util.stream.Collectors.groupingBy(
        c -> c.job().subscriptionId(), java.util.stream.Collectors.counting()));
    assertThat(perSub).hasSize(99).doesNotContainKey("sub_8");
    assertThat(perSub.get("sub_7")).isEqualTo(1L);
    assertThat(perSub).allSatisfy((sub, n) -> assertThat(n).isEqualTo(sub.equals("sub_7") ? 1L : 4L));
    assertThat(claims).hasSize(98 * 4 + 1);
    // each subscription's oldest events first
    assertThat(claims).filteredOn(c -> c.job().subscriptionId().equals("sub_0")).extracting(c -> c.job().eventId())
        .containsExactly("100-0", "101-0", "102-0", "103-0");
    assertThat(result(store.claim(now(), 400, LEASE, 4, Map.of())))
        .filteredOn(c -> !Set.of("sub_7", "sub_8").contains(c.job().subscriptionId()))
        .as("what is still due are the 5th and later events").hasSize(98 * 4)
        .allSatisfy(c -> assertThat(Long.parseLong(c.job().eventId().split("-")[0])).isGreaterThanOrEqualTo(104));
  }

  /** Jobs held back behind people on the wire are passed over, and the free jobs behind them claimed. */
  @Test
  void aLongRunOfHeldJobsAtTheHeadOfAQueueDoesNotHideTheFreeOnesBehindIt() {
    List<QueuedDelivery> first = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      first.add(job(SUB, (100 + i) + "-0", "p" + i));
    }
    result(store.enqueue(first));
    assertThat(result(store.claim(now(), 30, LEASE, 30, Map.of()))).hasSize(30); // all 30 people on the wire
    List<QueuedDelivery> newer = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      newer.add(job(SUB, (200 + i) + "-0", "p" + i)); // each waits for its person's attempt
    }
    newer.add(job(SUB, "300-0", "q1"));
    newer.add(job(SUB, "301-0", "q2"));
    newer.add(job(SUB, "302-0", "q3"));
    result(store.enqueue(newer));

    assertThat(result(store.claim(now(), 10, LEASE, 2, Map.of()))).extracting(c -> c.job().eventId())
        .containsExactly("300-0", "301-0");
    assertThat(result(store.claim(now(), 10, LEASE, 4, Map.of()))).extracting(c -> c.job().eventId())
        .containsExactly("302-0");
    assertThat(result(store.pending())).isEqualTo(63);
  }

  // ---- latest state wins across dead letters and replays ----

  @Test
  void aReplayedDeadLetterIsNeverDeliveredAfterANewerState() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"))));
    result(store.deadLetter(claim(now()).get(0), "HTTP 500", now()));
    result(store.enqueue(List.of(job(SUB, "200-0", "p1"))));
    result(store.complete(claim(now()).get(0)));

    assertThat(result(store.replayDeadLetters(SUB, now()))).isEqualTo(new DeliveryStore.Replay(0, 1));
    assertThat(claim(now())).as("event 100 is older than the delivered 200").isEmpty();
    assertThat(result(store.pending())).isZero();
    assertThat(result(store.deadLetters(SUB, 10))).as("a superseded letter is used up").isEmpty();
  }

  @Test
  void aReplayedDeadLetterKeepsOnlyThePeopleWithoutANewerState() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1", "p2"))));
    result(store.deadLetter(claim(now()).get(0), "HTTP 500", now()));
    result(store.enqueue(List.of(job(SUB, "200-0", "p1"))));
    result(store.complete(claim(now()).get(0)));

    assertThat(result(store.replayDeadLetters(SUB, now()))).isEqualTo(new DeliveryStore.Replay(1, 0));
    List<DeliveryStore.Claim> again = claim(now());
    assertThat(again).extracting(c -> c.job().eventId()).containsExactly("100-0");
    assertThat(again.get(0).livePersonKeys()).containsExactly("p2");
  }

  @Test
  void anOlderEventQueuedAfterANewerOneWasDeliveredIsSuperseded() {
    result(store.enqueue(List.of(job(SUB, "200-0", "p1"))));
    result(store.complete(claim(now()).get(0)));
    result(store.enqueue(List.of(job(SUB, "100-0", "p1")))); // e.g. a replay since a time
    assertThat(claim(now())).isEmpty();
  }

  @Test
  void droppingASubscriptionForgetsItsNewestStates() {
    result(store.enqueue(List.of(job(SUB, "200-0", "p1"))));
    result(store.complete(claim(now()).get(0)));
    result(store.dropSubscription(SUB));
    result(store.enqueue(List.of(job(SUB, "100-0", "p1")))); // a new subscription reusing nothing of the old
    assertThat(claim(now())).extracting(c -> c.job().eventId()).containsExactly("100-0");
  }

  // ---- hand-back: a claim given back unattempted by an instance that is shutting down ----

  @Test
  void aHandedBackJobIsDueAtOnceInItsQueueWithItsAttemptTakenBack() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1", "p2"), job("sub_b", "100-0", "p1"))));
    long t = now();
    DeliveryStore.Claim failed = result(store.claim(t, 10, LEASE, 4, Map.of("sub_b", 4))).get(0);
    result(store.retry(failed, t)); // one real failure: the next claim is attempt 2
    DeliveryStore.Claim second = result(store.claim(t, 10, LEASE, 4, Map.of("sub_b", 4))).get(0);
    assertThat(second.attempt()).isEqualTo(2);
    assertThat(result(store.claim(t, 10, LEASE, 4, Map.of("sub_b", 4)))).as("hidden while claimed").isEmpty();

    result(store.handBack(second, t));

    assertThat(result(store.claim(t, 10, LEASE, 4, Map.of(SUB, 4, "sub_b", 4))))
        .as("still counted against its own subscription's limit").isEmpty();
    List<DeliveryStore.Claim> again = result(store.claim(t, 10, LEASE, 4, Map.of("sub_b", 4)));
    assertThat(again).as("due at once, not after the lease").hasSize(1);
    assertThat(again.get(0).job().id()).isEqualTo(second.job().id());
    assertThat(again.get(0).livePersonKeys()).containsExactlyInAnyOrder("p1", "p2");
    assertThat(again.get(0).attempt()).as("the handed-back claim was not an attempt").isEqualTo(2);
    assertThat(result(store.pending())).isEqualTo(2);
  }

  @Test
  void aHandedBackJobIsNeverDeliveredAfterANewerStateQueuedMeanwhile() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1", "p2"))));
    DeliveryStore.Claim old = claim(now()).get(0);
    result(store.enqueue(List.of(job(SUB, "200-0", "p1"))));
    assertThat(claim(now())).as("p1 is on the wire").isEmpty();

    result(store.handBack(old, now()));

    List<DeliveryStore.Claim> claims = claim(now());
    assertThat(claims).extracting(c -> c.job().eventId()).containsExactlyInAnyOrder("100-0", "200-0");
    for (DeliveryStore.Claim c : claims) {
      assertThat(c.livePersonKeys()).as(c.job().eventId()).containsExactly(c.job().eventId().equals("100-0") ? "p2" : "p1");
      result(store.complete(c));
    }
    assertThat(claim(now())).isEmpty();
    assertThat(result(store.pending())).isZero();
  }

  @Test
  void aHandedBackJobWhosePeopleAllHaveNewerStatesIsDroppedNotSent() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"))));
    DeliveryStore.Claim old = claim(now()).get(0);
    result(store.enqueue(List.of(job(SUB, "200-0", "p1"))));
    result(store.handBack(old, now()));

    assertThat(claim(now())).extracting(c -> c.job().eventId()).containsExactly("200-0");
    assertThat(result(store.pending())).isEqualTo(1);
  }

  @Test
  void handingBackAClaimWhoseLeaseRanOutLeavesTheNewerClaimAlone() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"))));
    long t = now();
    DeliveryStore.Claim stale = claim(t).get(0);
    DeliveryStore.Claim current = claim(t + LEASE + 1).get(0);
    assertThat(current.attempt()).isEqualTo(2);

    result(store.handBack(stale, t + LEASE + 2));

    assertThat(claim(t + LEASE + 2)).as("still hidden by the newer claim").isEmpty();
    result(store.enqueue(List.of(job(SUB, "200-0", "p1"))));
    assertThat(claim(t + LEASE + 2)).as("p1 still held by the newer claim").isEmpty();
    result(store.retry(current, t + LEASE + 2));
    assertThat(claim(t + LEASE + 2)).extracting(c -> c.job().eventId()).containsExactly("200-0");
  }

  @Test
  void handingBackAJobThatWentMeanwhileDoesNotBringItBack() {
    result(store.enqueue(List.of(job(SUB, "100-0", "p1"))));
    DeliveryStore.Claim c = claim(now()).get(0);
    result(store.dropSubscription(SUB));

    result(store.handBack(c, now()));

    assertThat(result(store.pending())).isZero();
    assertThat(claim(now())).isEmpty();
  }

  static Set<String> ids(List<DeliveryStore.Claim> claims) {
    return Set.copyOf(claims.stream().map(c -> c.job().id()).toList());
  }
}
