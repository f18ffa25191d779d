package io.presencegateway.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pending webhook deliveries, their dead letters and their attempt log. Jobs wait in one queue per
 * subscription; with Redis the queues live in Redis and every instance claims from them, so a
 * restart loses nothing and a dead instance's jobs come due again when their claim (visibility
 * timeout) runs out.
 *
 * <p><b>Isolation</b>: a claim walks the subscriptions that have due jobs and takes from each only
 * its free slots; a subscription at its limit is passed over without looking at its queue, and one
 * whose head cannot go now moves behind the others. However long one subscription's backlog, the
 * others' jobs are claimed, and one claim does a bounded amount of work.
 *
 * <p><b>Latest state wins</b>, enforced here because several instances deliver: the store keeps,
 * per (subscription, person), the newest event id queued or delivered (a high-water mark). A claim
 * hands out only the people for whom the job is still that newest event (a job with none left is
 * superseded and dropped), and never a person another live claim holds, so an older state cannot
 * overtake a newer one on the wire. The mark outlives the job, so an older event queued later (a
 * replay) is superseded too. Marks go with their subscription ({@link #dropSubscription}) and expire
 * {@link #MARK_TTL} after the subscription's last queue activity.
 */
public interface DeliveryStore {
  /**
   * How long the newest-event marks of a subscription are kept after its last queue activity. A dead
   * letter older than this whose person has no mark is not replayed: nothing says whether a newer
   * state was delivered since.
   */
  Duration MARK_TTL = Duration.ofDays(30);

  /**
   * Durably writes new jobs, due now. A job whose id is already queued is left as it is (an event
   * handed out twice after a crash does not restart its attempts).
   */
  Future<Void> enqueue(List<QueuedDelivery> jobs);

  /**
   * Claims up to {@code max} due jobs, at most {@code perSubscription} minus {@code inFlight.get(sub)}
   * of any one subscription (a busy subscription's backlog stays in the store, where any instance
   * can take it, instead of waiting in this one). Each claimed job counts one more attempt and is
   * hidden for {@code leaseMs}: if it is neither finished nor rescheduled by then (its instance
   * died) it comes due again.
   */
  Future<List<Claim>> claim(long nowMs, int max, long leaseMs, int perSubscription, Map<String, Integer> inFlight);

  /** Delivered: the job goes, its people's claims are released. */
  Future<Void> complete(Claim claim);

  /** Failed, tries again at {@code dueAtMs}. */
  Future<Void> retry(Claim claim, long dueAtMs);

  /**
   * Not attempted after all (the instance is shutting down): its people are released, it goes back
   * into its subscription's queue due at {@code nowMs} for any instance (the subscription is ready by
   * then), and the claim's attempt is taken back, so neither the retry schedule nor the dead-letter
   * count sees it. The next attempt has the same webhook-id. Latest state still wins: the newest-event
   * marks are left as they are, so if a newer event of its people was queued meanwhile the next claim
   * drops the job (or those people) instead of sending the older state. A claim whose lease ran out
   * and that another claim has replaced since changes nothing; a job that went meanwhile stays gone.
   */
  Future<Void> handBack(Claim claim, long nowMs);

  /** Failed for the last time: moved to the subscription's dead letters with {@code reason}. */
  Future<Void> deadLetter(Claim claim, String reason, long nowMs);

  /** Dead letters of a subscription, oldest first (at most {@code max}). */
  Future<List<JsonObject>> deadLetters(String subscriptionId, int max);

  /**
   * Puts the dead letters of the subscription back in the queue, due now, except those none of whose
   * people can still be delivered (a newer state of each was queued or delivered since, or the letter
   * is older than {@link #MARK_TTL} and the mark is gone): those are skipped. Every letter read is
   * used up either way.
   */
  Future<Replay> replayDeadLetters(String subscriptionId, long nowMs);

  /** Drops everything of a subscription: jobs, dead letters, attempt log (it was deleted). */
  Future<Void> dropSubscription(String subscriptionId);

  /** Appends to the subscription's attempt log (bounded, newest kept). */
  Future<Void> recordAttempt(String subscriptionId, JsonObject attempt);

  /** The newest attempts of a subscription, newest first. */
  Future<List<JsonObject>> attempts(String subscriptionId, int max);

  /** Jobs queued (due or claimed), for tests and metrics. */
  Future<Integer> pending();

  /** What a dead-letter replay did: jobs queued again, letters skipped as superseded. */
  record Replay(int queued, int skipped) { }

  /**
   * A claimed job: the people still live in it (the others were superseded) and the number of
   * this attempt.
   */
  record Claim(QueuedDelivery job, Set<String> livePersonKeys, int attempt) {
    public Claim {
      livePersonKeys = Set.copyOf(livePersonKeys);
    }
  }
}
