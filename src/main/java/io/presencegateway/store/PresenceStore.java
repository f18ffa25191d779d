package io.presencegateway.store;

import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.event.StatusMessages;
import io.presencegateway.poll.PresenceDiff;
import io.vertx.core.Future;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything the gateway keeps: last state, status messages, the event log and the poll lease.
 * Two implementations (memory, Redis) pass one contract suite. State is keyed by
 * {@link io.presencegateway.event.PersonIds#key person key} (the UUID), never by the id's encoding.
 */
public interface PresenceStore {

  /** Current state of every watched person, by person key. */
  Future<Map<String, PersonState>> states();

  /** Current state of one person, by any encoding of their id. */
  Future<Optional<PersonState>> state(String personId);

  /** Every stored status message, for one cycle's diff. */
  Future<StatusMessages> statusMessages();

  /** One person's stored messages, status → message. */
  Future<Map<String, String>> statusMessages(String personId);

  /** What {@link #putStatusMessage(String, String, String, int, int)} did. */
  enum MessagePut {
    STORED,
    /** Refused: a new status for a person who already holds {@code perPerson} messages. */
    PERSON_FULL,
    /** Refused: a new message while the store already holds {@code total} messages in all. */
    STORE_FULL
  }

  /**
   * Stores a message, checked and written in one step: replacing a stored one always works; a new
   * one is refused when the person already holds {@code perPerson} messages or the store holds
   * {@code total} messages in all (every poll cycle reads them all, so their number is bounded).
   */
  Future<MessagePut> putStatusMessage(String personId, String status, String message, int perPerson, int total);

  /** Stores a message without limits (tests and seeding); the API uses the bounded form. */
  default Future<Void> putStatusMessage(String personId, String status, String message) {
    return putStatusMessage(personId, status, message, Integer.MAX_VALUE, Integer.MAX_VALUE).mapEmpty();
  }

  /** @return whether a message was stored for that status */
  Future<Boolean> deleteStatusMessage(String personId, String status);

  /**
   * The one atomic step of a cycle: store baselines, refreshes and changes, drop the removed, and
   * append one event per org for the changes, all or nothing. A store holding a newer fencing token
   * than {@code fencingToken} refuses the whole batch (a stale poller after a failover), and a
   * change whose {@code previous} is no longer what is stored is not emitted twice. A store may
   * write a very large number of baselines and refreshes (the first sight of a large org) ahead of
   * that step, in slices each fenced the same way: they never make events, so a cycle that fails
   * after some of them were stored emits nothing and flips nobody.
   *
   * @return the appended events, in log order (empty when nothing changed)
   */
  Future<List<PresenceEvent>> apply(long fencingToken, Instant detectedAt, PresenceDiff.Result diff);

  /** Id of the newest event in the log, or {@code "0-0"} when it is empty. */
  Future<String> lastEventId();

  /**
   * Events after {@code afterId}, oldest first, at most {@code max}; when there are none yet, waits
   * up to {@code waitMs} for the next append. Used by the log relay to tail the log.
   */
  Future<List<PresenceEvent>> readAfter(String afterId, int max, long waitMs);

  /**
   * Events after {@code afterId} for a client resuming from it. {@link Replay#gap()} is true when the
   * id is malformed, unknown or older than the retained log: the client must get a reset.
   */
  Future<Replay> replayAfter(String afterId, int max);

  /**
   * Events for webhook delivery. Each event is handed to exactly one consumer of the cluster (with
   * Redis: a consumer group on the log); events a dead consumer claimed but never acknowledged are
   * handed out again. Waits up to {@code waitMs} when nothing is pending.
   */
  Future<List<PresenceEvent>> claimForDelivery(String consumer, int max, long waitMs);

  /** The consumer has turned the event into delivery work; it is not handed out again. */
  Future<Void> ackDelivery(String consumer, String eventId);

  /**
   * Takes or renews the poll lease for {@code holder}. Returns the fencing token while held, empty
   * while another holder has it. The token grows with every change of holder.
   */
  Future<OptionalLong> acquireLease(String holder, Duration ttl);

  /**
   * Extends the lease {@code holder} took with {@code token}, while a long cycle runs. Never takes a
   * lease that is gone: a lost lease stays lost, and the cycle's result is refused by {@link #apply}.
   */
  Future<LeaseRenewal> renewLease(String holder, long token, Duration ttl);

  /** Gives the lease up at once (graceful shutdown), if {@code holder} holds it. */
  Future<Void> releaseLease(String holder);

  /** Who holds the poll lease now (the holder id given to {@link #acquireLease}), for readiness details. */
  default Future<Optional<String>> leaseHolder() {
    return Future.succeededFuture(Optional.empty());
  }

  /** Round trip to the backing store, for readiness. */
  Future<Void> ping();

  Future<Void> close();

  /** What a renewal found: the lease extended, gone (it ran out, or the store was emptied), or someone else's. */
  enum LeaseRenewal { RENEWED, EXPIRED, TAKEN }

  /** A resume from an event id. */
  record Replay(boolean gap, List<PresenceEvent> events) {
    public static Replay reset() {
      return new Replay(true, List.of());
    }
  }
}
