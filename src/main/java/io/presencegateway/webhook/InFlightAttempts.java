package io.presencegateway.webhook;

import io.presencegateway.store.DeliveryStore.Claim;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attempts one {@link DeliveryWorker} has out, each from its claim until its outcome is stored.
 * Gives the per-subscription counts the next claim is capped by, and what shutdown needs: the
 * attempts still waiting for an answer (those can be handed back; once answered, an outcome is
 * stored, not thrown away) and a signal when nothing is left. Used on the worker's context only.
 */
final class InFlightAttempts {

  /** One claimed job on the wire, then being recorded. */
  static final class Attempt {
    private final Claim claim;
    private boolean answered;

    private Attempt(Claim claim) {
      this.claim = claim;
    }
  }

  private final Map<String, Attempt> byJob = new LinkedHashMap<>();
  private final Map<String, Integer> perSubscription = new HashMap<>();
  private Promise<Void> emptied;

  Attempt start(Claim claim) {
    Attempt a = new Attempt(claim);
    byJob.put(claim.job().id(), a);
    perSubscription.merge(claim.job().subscriptionId(), 1, Integer::sum);
    return a;
  }

  /**
   * The POST ended. True when its outcome is to be stored; false when the attempt was handed back
   * meanwhile (another instance owns the job now: this outcome, usually the abort, is not news).
   */
  boolean answered(Attempt a) {
    if (byJob.get(a.claim.job().id()) != a) {
      return false;
    }
    a.answered = true;
    return true;
  }

  /** The outcome is stored (or storing it failed): the attempt no longer counts. */
  void ended(Attempt a) {
    if (byJob.remove(a.claim.job().id(), a)) {
      perSubscription.computeIfPresent(a.claim.job().subscriptionId(), (k, n) -> n <= 1 ? null : n - 1);
    }
    if (emptied != null && byJob.isEmpty()) {
      emptied.tryComplete();
    }
  }

  /** Takes out the attempts still waiting for an answer: from now on their outcomes are ignored. */
  List<Claim> takeUnanswered() {
    List<Claim> out = new ArrayList<>();
    for (Attempt a : List.copyOf(byJob.values())) {
      if (!a.answered) {
        out.add(a.claim);
        ended(a);
      }
    }
    return out;
  }

  /** Completes once no attempt is out (at once when none is). */
  Future<Void> whenEmpty() {
    if (byJob.isEmpty()) {
      return Future.succeededFuture();
    }
    if (emptied == null) {
      emptied = Promise.promise();
    }
    return emptied.future();
  }

  Map<String, Integer> perSubscription() {
    return Map.copyOf(perSubscription);
  }

  boolean busy(String subscriptionId) {
    return perSubscription.containsKey(subscriptionId);
  }
}
