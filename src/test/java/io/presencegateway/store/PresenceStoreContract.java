package io.presencegateway.store;

import io.presencegateway.event.EventId;
import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.poll.Observation;
import io.presencegateway.poll.ObservedPerson;
import io.presencegateway.poll.PresenceDiff;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

import static io.presencegateway.testsupport.Await.failure;
import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link PresenceStore} must have, run against each implementation. A "cycle"
 * here is what the poller does: read state and messages, diff, apply with its fencing token.
 */
@ExtendWith(VertxExtension.class)
public abstract class PresenceStoreContract {
  protected static final int LOG_SIZE = 100;
  protected static final String ORG = PersonIds.orgId("us", UUID.fromString("0b8c1f5e-3c43-4a1c-9c5e-1a2b3c4d5e6f"));
  protected static final String ALICE = PersonIds.personId("us", UUID.fromString("11111111-2222-3333-4444-555555555555"));
  protected static final String BOB = PersonIds.personId("us", UUID.fromString("66666666-7777-8888-9999-000000000000"));
  protected static final Instant AT = Instant.parse("2025-08-15T16:42:29.315Z");

  protected PresenceStore store;
  protected long token;
  /** The id of the empty log (its origin), read before anything was appended. */
  protected String origin;

  /** A fresh, empty store with an event log of {@code logSize} events. */
  protected abstract PresenceStore newStore(Vertx vertx, int logSize);

  @BeforeEach
  void open(Vertx vertx) {
    store = newStore(vertx, LOG_SIZE);
    token = lease("poller-1");
    origin = result(store.lastEventId());
  }

  @AfterEach
  void close() {
    result(store.close());
  }

  protected long lease(String holder) {
    OptionalLong t = result(store.acquireLease(holder, Duration.ofSeconds(30)));
    assertThat(t).as("lease for " + holder).isPresent();
    return t.getAsLong();
  }

  protected static ObservedPerson person(String id, String status) {
    return new ObservedPerson(id, status, null, "2025-08-15T16:42:27.199Z", "2025-06-05T13:24:42.790Z", ORG,
        "Name of " + id.substring(0, 6), null);
  }

  protected static Observation seen(ObservedPerson... people) {
    return new Observation(Arrays.asList(people), Set.of(), true);
  }

  /** One poll cycle against the store: diff against what it holds, apply with {@link #token}. */
  protected List<PresenceEvent> cycle(ObservedPerson... people) {
    return result(store.apply(token, AT, diff(people)));
  }

  protected PresenceDiff.Result diff(ObservedPerson... people) {
    return PresenceDiff.compute(result(store.states()), seen(people), result(store.statusMessages()));
  }

  @Test
  void baselineIsStoredWithoutAnEvent() {
    assertThat(cycle(person(ALICE, "active"), person(BOB, "meeting"))).isEmpty();

    Map<String, PersonState> states = result(store.states());
    assertThat(states).containsOnlyKeys(PersonIds.key(ALICE), PersonIds.key(BOB));
    assertThat(states.get(PersonIds.key(ALICE)).status()).isEqualTo("active");
    assertThat(result(store.state(ALICE))).get().extracting(PersonState::displayName).isEqualTo("Name of " + ALICE.substring(0, 6));
    assertThat(result(store.lastEventId())).as("nothing appended").isEqualTo(origin);
  }

  @Test
  void aChangeIsOneEventInTheLog() {
    cycle(person(ALICE, "active"), person(BOB, "meeting"));

    List<PresenceEvent> events = cycle(person(ALICE, "DoNotDisturb"), person(BOB, "meeting"));

    assertThat(events).hasSize(1);
    PresenceEvent e = events.get(0);
    assertThat(e.orgId()).isEqualTo(ORG);
    assertThat(e.timestamp()).isEqualTo("2025-08-15T16:42:29.315Z");
    assertThat(e.items()).extracting(PersonState::id, PersonState::status).containsExactly(org.assertj.core.groups.Tuple.tuple(ALICE, "DoNotDisturb"));
    assertThat(result(store.lastEventId())).isEqualTo(e.id());
    assertThat(result(store.state(ALICE)).orElseThrow().status()).isEqualTo("DoNotDisturb");
    List<PresenceEvent> logged = result(store.readAfter("0-0", 10, 0));
    assertThat(logged).extracting(PresenceEvent::id).containsExactly(e.id());
    assertThat(logged.get(0).envelope().toString()).isEqualTo(e.envelope().toString());
  }

  @Test
  void aMessageOnlyChangeIsAnEvent() {
    cycle(person(ALICE, "OutOfOffice"));
    result(store.putStatusMessage(ALICE, "OutOfOffice", "Out of office"));

    List<PresenceEvent> events = cycle(person(ALICE, "OutOfOffice"));

    assertThat(events).hasSize(1);
    assertThat(events.get(0).items().get(0).statusMessage()).isEqualTo("Out of office");
    assertThat(result(store.state(ALICE)).orElseThrow().statusMessage()).isEqualTo("Out of office");
    assertThat(cycle(person(ALICE, "OutOfOffice"))).as("the message is stored now: no second event").isEmpty();
  }

  @Test
  void noChangeNoEvent() {
    cycle(person(ALICE, "active"));
    ObservedPerson laterActivity = new ObservedPerson(ALICE, "active", null, "2025-08-15T17:00:00.000Z",
        "2025-06-05T13:24:42.790Z", ORG, "Alice", null);

    assertThat(cycle(laterActivity)).isEmpty();

    assertThat(result(store.lastEventId())).as("nothing appended").isEqualTo(origin);
    assertThat(result(store.state(ALICE)).orElseThrow().lastActivity()).as("refreshed without an event")
        .isEqualTo("2025-08-15T17:00:00.000Z");
  }

  @Test
  void aVanishedPersonIsDroppedOnceWithoutAnEvent() {
    cycle(person(ALICE, "active"), person(BOB, "meeting"));

    assertThat(cycle(person(ALICE, "active"))).isEmpty();
    assertThat(result(store.states())).containsOnlyKeys(PersonIds.key(ALICE));
    assertThat(diff(person(ALICE, "active")).isEmpty()).as("nothing left to drop next cycle").isTrue();
    assertThat(result(store.lastEventId())).as("nothing appended").isEqualTo(origin);
  }

  @Test
  void applyingTheSameChangeTwiceEmitsItOnce() {
    cycle(person(ALICE, "active"));
    PresenceDiff.Result change = diff(person(ALICE, "call"));

    assertThat(result(store.apply(token, AT, change))).hasSize(1);
    assertThat(result(store.apply(token, AT, change))).as("same diff again (a racing or retried poller)").isEmpty();
    assertThat(result(store.readAfter("0-0", 10, 0))).hasSize(1);
  }

  @Test
  void replayGivesExactlyTheMissedEvents() {
    cycle(person(ALICE, "active"));
    String first = cycle(person(ALICE, "call")).get(0).id();
    String second = cycle(person(ALICE, "meeting")).get(0).id();
    String third = cycle(person(ALICE, "active")).get(0).id();

    PresenceStore.Replay replay = result(store.replayAfter(first, 100));

    assertThat(replay.gap()).isFalse();
    assertThat(replay.events()).extracting(PresenceEvent::id).containsExactly(second, third);
    assertThat(replay.events()).extracting(e -> e.items().get(0).status()).containsExactly("meeting", "active");
    assertThat(result(store.replayAfter(third, 100))).isEqualTo(new PresenceStore.Replay(false, List.of()));
  }

  @Test
  void replayFromAGarbageOrUnknownIdIsAReset() {
    cycle(person(ALICE, "active"));
    String real = cycle(person(ALICE, "call")).get(0).id();
    // Just after the newest event: well-formed, never appended, and never the origin (which sorts
    // before every event), whereas one millisecond earlier can be this log's own origin.
    String[] parts = real.split("-");
    String unknown = parts[0] + "-" + (Long.parseLong(parts[1]) + 1);

    for (String id : List.of("garbage", "", "12-", "-3", unknown)) {
      assertThat(result(store.replayAfter(id, 100)).gap()).as("replay after '" + id + "'").isTrue();
    }
  }

  @Test
  void aSnapshotTakenOnAnEmptyLogResumesWithEveryEvent() {
    assertThat(EventId.parse(origin)).as("the empty log's id is an event id").isPresent();
    assertThat(result(store.replayAfter(origin, 100))).isEqualTo(new PresenceStore.Replay(false, List.of()));
    cycle(person(ALICE, "active"));
    String first = cycle(person(ALICE, "call")).get(0).id();
    String second = cycle(person(ALICE, "meeting")).get(0).id();
    assertThat(EventId.parse(first).orElseThrow()).as("events sort after the origin")
        .isGreaterThan(EventId.parse(origin).orElseThrow());

    PresenceStore.Replay replay = result(store.replayAfter(origin, 100));
    assertThat(replay.gap()).isFalse();
    assertThat(replay.events()).extracting(PresenceEvent::id).containsExactly(first, second);
  }

  /**
   * {@code 0-0}, or the origin of a log this store never had (a restarted in-memory gateway, a flushed
   * Redis), must not resume silently into this log: the client's state may predate its baseline.
   */
  @Test
  void aCursorFromAnotherLogIsAReset() {
    cycle(person(ALICE, "active"));
    cycle(person(ALICE, "call"));
    String earlierOrigin = new EventId(EventId.parse(origin).orElseThrow().millis() - 60_000, 0).toString();

    assertThat(result(store.replayAfter("0-0", 100)).gap()).as("0-0").isTrue();
    assertThat(result(store.replayAfter(earlierOrigin, 100)).gap()).as("an older log's origin").isTrue();
  }

  @Test
  void replayFromAnIdOlderThanTheLogIsAReset() {
    cycle(person(ALICE, "active"));
    List<String> ids = new ArrayList<>();
    String[] statuses = {"call", "meeting"};
    for (int i = 0; i < LOG_SIZE * 3; i++) {
      ids.add(cycle(person(ALICE, statuses[i % 2])).get(0).id());
    }

    assertThat(result(store.replayAfter(ids.get(0), 10_000)).gap()).as("trimmed away").isTrue();
    assertThat(result(store.replayAfter(origin, 10_000)).gap()).as("from the start, after trimming").isTrue();
    String recent = ids.get(ids.size() - 3);
    assertThat(result(store.replayAfter(recent, 10_000)).events()).hasSize(2);
  }

  @Test
  void aStaleFencingTokenIsRefused() {
    cycle(person(ALICE, "active"));
    long old = token;
    result(store.releaseLease("poller-1"));
    long newer = lease("poller-2");
    assertThat(newer).isGreaterThan(old);

    Throwable refused = failure(store.apply(old, AT, diff(person(ALICE, "call"))));

    assertThat(refused).isInstanceOf(StaleLeaseException.class);
    assertThat(result(store.state(ALICE)).orElseThrow().status()).as("nothing written").isEqualTo("active");
    assertThat(result(store.lastEventId())).as("nothing appended").isEqualTo(origin);
    token = newer;
    assertThat(cycle(person(ALICE, "call"))).hasSize(1);
  }

  @Test
  void aRenewalExtendsOnlyTheLeaseItsTokenNamesAndNeverTakesOneThatIsGone() {
    Duration ttl = Duration.ofMillis(300);
    long t1 = result(store.acquireLease("poller-1", ttl)).orElseThrow();
    long renewedUntil = System.currentTimeMillis() + 10 * ttl.toMillis();
    while (System.currentTimeMillis() < renewedUntil) { // 10 TTLs, renewed every ~third
      assertThat(result(store.renewLease("poller-1", t1, ttl))).isEqualTo(PresenceStore.LeaseRenewal.RENEWED);
      // pacing the renewals (time has to pass for a lease to run out), not waiting for a result
      java.util.concurrent.locks.LockSupport.parkNanos(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100));
    }
    assertThat(result(store.acquireLease("poller-2", ttl))).as("still held after 10 TTLs of renewals").isEmpty();
    assertThat(result(store.renewLease("poller-2", t1, ttl))).as("someone else's token").isEqualTo(PresenceStore.LeaseRenewal.TAKEN);
    assertThat(result(store.renewLease("poller-1", t1 - 1, ttl))).as("an older token").isEqualTo(PresenceStore.LeaseRenewal.TAKEN);

    result(store.releaseLease("poller-1"));
    assertThat(result(store.renewLease("poller-1", t1, ttl))).as("released").isEqualTo(PresenceStore.LeaseRenewal.EXPIRED);
    assertThat(result(store.leaseHolder())).as("a renewal does not take a lease that is gone").isEmpty();
    long t2 = result(store.acquireLease("poller-2", Duration.ofSeconds(30))).orElseThrow();
    assertThat(result(store.renewLease("poller-1", t1, ttl))).as("taken by poller-2").isEqualTo(PresenceStore.LeaseRenewal.TAKEN);
    assertThat(failure(store.apply(t1, AT, diff(person(ALICE, "call"))))).isInstanceOf(StaleLeaseException.class);
    assertThat(t2).isGreaterThan(t1);
  }

  @Test
  void theLeaseIsHeldByOneHolderAndRenewedWithTheSameToken() {
    assertThat(result(store.acquireLease("poller-2", Duration.ofSeconds(30)))).as("held by poller-1").isEmpty();
    assertThat(lease("poller-1")).as("renewal keeps the token").isEqualTo(token);

    result(store.releaseLease("poller-2"));
    assertThat(result(store.acquireLease("poller-2", Duration.ofSeconds(30)))).as("release by a non-holder does nothing").isEmpty();

    result(store.releaseLease("poller-1"));
    assertThat(lease("poller-2")).isGreaterThan(token);
  }

  @Test
  void statusMessagesCanBeStoredListedAndDeleted() {
    result(store.putStatusMessage(ALICE, "OutOfOffice", "Out of office"));
    result(store.putStatusMessage(ALICE, "unknown", "Busy"));
    result(store.putStatusMessage(BOB, "call", "On a call"));
    result(store.putStatusMessage(ALICE, "unknown", "Really busy"));

    assertThat(result(store.statusMessages(ALICE))).isEqualTo(Map.of("OutOfOffice", "Out of office", "unknown", "Really busy"));
    assertThat(result(store.statusMessages()).messageFor(PersonIds.key(BOB), "call")).isEqualTo("On a call");
    assertThat(result(store.statusMessages()).messageFor(PersonIds.key(BOB), "active")).isEmpty();

    assertThat(result(store.deleteStatusMessage(ALICE, "unknown"))).isTrue();
    assertThat(result(store.deleteStatusMessage(ALICE, "unknown"))).isFalse();
    assertThat(result(store.deleteStatusMessage(BOB, "call"))).isTrue();
    assertThat(result(store.statusMessages(ALICE))).isEqualTo(Map.of("OutOfOffice", "Out of office"));
    assertThat(result(store.statusMessages(BOB))).isEmpty();
  }

  @Test
  void statusMessagesAreBoundedPerPersonAndInAllInTheSameStepAsTheWrite() {
    String carol = PersonIds.personId("us", UUID.randomUUID());
    assertThat(result(store.putStatusMessage(ALICE, "call", "a", 2, 3))).isEqualTo(PresenceStore.MessagePut.STORED);
    assertThat(result(store.putStatusMessage(ALICE, "meeting", "b", 2, 3))).isEqualTo(PresenceStore.MessagePut.STORED);
    assertThat(result(store.putStatusMessage(ALICE, "active", "c", 2, 3))).as("a third for Alice")
        .isEqualTo(PresenceStore.MessagePut.PERSON_FULL);
    assertThat(result(store.putStatusMessage(BOB, "call", "d", 2, 3))).isEqualTo(PresenceStore.MessagePut.STORED);
    assertThat(result(store.putStatusMessage(carol, "call", "e", 2, 3))).as("a fourth in all")
        .isEqualTo(PresenceStore.MessagePut.STORE_FULL);
    assertThat(result(store.putStatusMessage(ALICE, "call", "replaced", 2, 3))).as("replacing one always works")
        .isEqualTo(PresenceStore.MessagePut.STORED);

    assertThat(result(store.deleteStatusMessage(BOB, "call"))).isTrue();
    assertThat(result(store.putStatusMessage(carol, "call", "e", 2, 3))).as("room again after a delete")
        .isEqualTo(PresenceStore.MessagePut.STORED);
    assertThat(result(store.statusMessages()).byPerson()).containsOnlyKeys(PersonIds.key(ALICE), PersonIds.key(carol));
    assertThat(result(store.statusMessages(ALICE))).isEqualTo(Map.of("call", "replaced", "meeting", "b"));
  }

  /** The first delivery claim came after the poller's first events (Redis made its group at "$": they were skipped). */
  @Test
  void eventsAppendedBeforeTheFirstDeliveryClaimAreHandedOut() {
    cycle(person(ALICE, "active"), person(BOB, "active"));
    List<String> appended = new ArrayList<>();
    cycle(person(ALICE, "call"), person(BOB, "active")).forEach(e -> appended.add(e.id()));
    cycle(person(ALICE, "call"), person(BOB, "meeting")).forEach(e -> appended.add(e.id()));
    assertThat(appended).hasSize(2);

    List<PresenceEvent> claimed = result(store.claimForDelivery("sender-a", 10, 0));
    assertThat(claimed).extracting(PresenceEvent::id).containsExactlyElementsOf(appended);
  }

  @Test
  void severalOrgsInOneCycleAreOneEventEach() {
    String otherOrg = PersonIds.orgId("us", UUID.fromString("aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"));
    ObservedPerson bobElsewhere = new ObservedPerson(BOB, "active", null, null, null, otherOrg, "Bob", null);
    cycle(person(ALICE, "active"), bobElsewhere);

    List<PresenceEvent> events = cycle(person(ALICE, "call"),
        new ObservedPerson(BOB, "meeting", null, null, null, otherOrg, "Bob", null));

    Map<String, String> orgOfPerson = new LinkedHashMap<>();
    events.forEach(e -> e.items().forEach(i -> orgOfPerson.put(i.id(), e.orgId())));
    assertThat(events).hasSize(2);
    assertThat(orgOfPerson).isEqualTo(Map.of(ALICE, ORG, BOB, otherOrg));
    assertThat(result(store.readAfter("0-0", 10, 0))).extracting(PresenceEvent::id)
        .containsExactly(events.get(0).id(), events.get(1).id());
  }

  @Test
  void aTailingReaderIsWokenByTheNextAppend() {
    cycle(person(ALICE, "active"));
    String from = result(store.lastEventId());
    var pending = store.readAfter(from, 10, 5_000);

    String id = cycle(person(ALICE, "call")).get(0).id();

    assertThat(result(pending)).extracting(PresenceEvent::id).containsExactly(id);
  }
}
