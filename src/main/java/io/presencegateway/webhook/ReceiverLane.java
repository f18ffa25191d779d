package io.presencegateway.webhook;

import io.presencegateway.event.EventId;
import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The deliveries of one receiver, run on the webhook verticle's context (no locking). Enforces:
 * <ul>
 *   <li><b>latest state wins</b>, per person: {@link #latest} holds the newest event seen for each
 *   person; an item whose person has a newer event is dropped from any attempt, first or retry.
 *   A person is in at most one attempt at a time, so a slow older POST cannot land after a newer one;</li>
 *   <li><b>isolation</b>: at most {@code maxInFlight} attempts at once, on the receiver's own client,
 *   each with a deadline; jobs beyond that wait here (bounded), never in another receiver's way;</li>
 *   <li><b>410 Gone</b>: the receiver is switched off for the life of the process.</li>
 * </ul>
 */
final class ReceiverLane {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiverLane.class);
  /** Jobs waiting for a free slot; beyond this the oldest is dropped (logged), so memory stays bounded. */
  static final int MAX_WAITING = 10_000;

  private final Receiver receiver;
  private final WebhookSender sender;
  private final DeliveryQueue queue;
  private final RetryPolicy retry;
  private final DeliveryLog log;
  private final int maxInFlight;
  /** Newest event id per person key; bounded by the people this receiver is sent. */
  private final Map<String, EventId> latest = new HashMap<>();
  private final Set<String> busy = new HashSet<>();
  private final ArrayDeque<DeliveryJob> waiting = new ArrayDeque<>();
  private int inFlight;
  private boolean gone;
  private boolean pumping;
  private boolean pumpAgain;

  ReceiverLane(Receiver receiver, WebhookSender sender, DeliveryQueue queue, RetryPolicy retry, DeliveryLog log,
               int maxInFlight) {
    this.receiver = receiver;
    this.sender = sender;
    this.queue = queue;
    this.retry = retry;
    this.log = log;
    this.maxInFlight = maxInFlight;
  }

  Receiver receiver() {
    return receiver;
  }

  boolean gone() {
    return gone;
  }

  /** A new event: noted as the newest state of its people, then sent as soon as a slot is free. */
  void offer(PresenceEvent event) {
    if (gone) {
      return;
    }
    EventId id = EventId.parse(event.id()).orElseThrow();
    boolean any = false;
    for (PersonState item : event.items()) {
      if (receiver.filter().test(item)) {
        latest.merge(PersonIds.key(item.id()), id, (a, b) -> a.compareTo(b) >= 0 ? a : b);
        any = true;
      }
    }
    if (any) {
      waiting.removeIf(job -> liveItems(job).isEmpty()); // superseded retries go now, not when they come up
      enqueue(new DeliveryJob(receiver.id(), event, 1));
    }
  }

  /** A retry's due time has come. */
  void due(DeliveryJob job) {
    if (!gone) {
      enqueue(job);
    }
  }

  private void enqueue(DeliveryJob job) {
    if (waiting.size() >= MAX_WAITING) {
      DeliveryJob dropped = waiting.removeFirst();
      LOG.warn("Webhook receiver {} ({}) is too far behind: dropped event {}", receiver.id(), receiver.host(), dropped.event().id());
    }
    waiting.addLast(job);
    pump();
  }

  /**
   * Starts every waiting job that has a free slot and none of whose people is in flight. An attempt
   * can end at once (a refused target), calling back in here: that call only asks for another pass.
   */
  private void pump() {
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    try {
      do {
        pumpAgain = false;
        pumpOnce();
      } while (pumpAgain);
    } finally {
      pumping = false;
    }
  }

  private void pumpOnce() {
    Iterator<DeliveryJob> it = waiting.iterator();
    while (!gone && it.hasNext() && inFlight < maxInFlight) {
      DeliveryJob job = it.next();
      Set<String> live = liveItems(job);
      if (live.isEmpty()) {
        it.remove(); // every person in it has a newer state: superseded
      } else if (live.stream().noneMatch(busy::contains)) {
        it.remove();
        start(job, live);
      }
    }
  }

  /** Keys of the job's people for whom its event is still the newest state. */
  private Set<String> liveItems(DeliveryJob job) {
    EventId id = EventId.parse(job.event().id()).orElseThrow();
    Set<String> live = new HashSet<>();
    for (PersonState item : job.event().items()) {
      String key = PersonIds.key(item.id());
      if (receiver.filter().test(item) && id.equals(latest.get(key))) {
        live.add(key);
      }
    }
    return live;
  }

  private void start(DeliveryJob job, Set<String> live) {
    Predicate<PersonState> keep = receiver.filter().and(item -> live.contains(PersonIds.key(item.id())));
    Buffer body = job.event().envelope(keep);
    busy.addAll(live);
    inFlight++;
    sender.send(job.event().id(), job.event().orgId(), body).onComplete(ar -> finished(job, live, ar.result()));
  }

  private void finished(DeliveryJob job, Set<String> live, AttemptOutcome outcome) {
    busy.removeAll(live);
    inFlight--;
    if (outcome.succeeded()) {
      record(job, outcome, -1);
    } else if (outcome.gone()) {
      record(job, outcome, -1);
      stop();
    } else {
      failed(job, outcome);
    }
    pump();
  }

  private void failed(DeliveryJob job, AttemptOutcome outcome) {
    OptionalLong delay = retry.nextDelayMs(job.attempt(), outcome.retryAfter());
    record(job, outcome, delay.orElse(-1));
    if (delay.isPresent()) {
      LOG.warn("Webhook to {} ({}) failed: event {} attempt {}: {}; next attempt in {} ms", receiver.host(),
          receiver.id(), job.event().id(), job.attempt(), outcome.error(), delay.getAsLong());
      queue.schedule(job.next(), delay.getAsLong());
    } else {
      LOG.error("Webhook to {} ({}) failed: event {} attempt {}: {}; no attempts left, giving it up", receiver.host(),
          receiver.id(), job.event().id(), job.attempt(), outcome.error());
    }
  }

  /** 410 Gone: the receiver does not want anything more; pending and future deliveries are dropped. */
  private void stop() {
    gone = true;
    waiting.clear();
    queue.cancelReceiver(receiver.id());
    LOG.error("Webhook receiver {} ({}) answered 410 Gone: it is switched off until the gateway restarts",
        receiver.id(), receiver.host());
  }

  private void record(DeliveryJob job, AttemptOutcome o, long nextRetryMs) {
    log.add(new DeliveryAttempt(receiver.id(), job.event().id(), job.attempt(), Instant.now(), o.statusCode(),
        o.latencyMs(), o.error(), nextRetryMs));
  }

  Future<Void> close() {
    return sender.close();
  }

  Set<String> inFlightPeople() {
    return Set.copyOf(busy);
  }

  List<DeliveryJob> waitingJobs() {
    return List.copyOf(waiting);
  }
}
