package io.presencegateway.loadtool;

import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Compares what each client received with what it should have: every event of the window, in
 * order, once. Per client: missing events (loss), gaps (runs of consecutive missing events in the
 * expected order, so one lost burst is one gap), duplicates, events out of order, and events that
 * are not in the expected list at all.
 */
final class LossAccounting {
  private long clients;
  private long delivered;
  private long missing;
  private long clientsWithLoss;
  private long gaps;
  private long largestGap;
  private long duplicates;
  private long outOfOrder;
  private long unexpected;
  private final int expectedPerClient;

  private LossAccounting(int expectedPerClient) {
    this.expectedPerClient = expectedPerClient;
  }

  /** The union of every client's window keys, sorted and distinct. */
  static long[] union(List<Client> clients) {
    LongArray all = new LongArray(1024);
    for (Client c : clients) {
      LongArray keys = c.windowKeys();
      for (int i = 0; i < keys.size(); i++) {
        all.add(keys.get(i));
      }
    }
    return distinctSorted(all.toArray());
  }

  static long[] distinctSorted(long[] keys) {
    long[] sorted = keys.clone();
    Arrays.sort(sorted);
    return Arrays.stream(sorted).distinct().toArray();
  }

  /** Keys of {@code a} that are not in {@code b} (both sorted, distinct). */
  static long[] minus(long[] a, long[] b) {
    return Arrays.stream(a).filter(k -> Arrays.binarySearch(b, k) < 0).toArray();
  }

  /** Accounts every connected client against {@code expected} (sorted, distinct). */
  static LossAccounting of(List<Client> clients, long[] expected) {
    LossAccounting loss = new LossAccounting(expected.length);
    for (Client c : clients) {
      if (c.connected()) {
        loss.account(c.windowKeys(), expected);
      }
    }
    return loss;
  }

  private void account(LongArray keys, long[] expected) {
    clients++;
    BitSet seen = new BitSet(expected.length);
    int previous = -1;
    for (int i = 0; i < keys.size(); i++) {
      int at = Arrays.binarySearch(expected, keys.get(i));
      if (at < 0) {
        unexpected++;
        continue;
      }
      if (seen.get(at)) {
        duplicates++;
        continue;
      }
      if (at < previous) {
        outOfOrder++;
      }
      previous = Math.max(previous, at);
      seen.set(at);
      delivered++;
    }
    long lost = expected.length - seen.cardinality();
    missing += lost;
    if (lost > 0) {
      clientsWithLoss++;
      for (int from = seen.nextClearBit(0); from < expected.length; ) {
        int to = Math.min(expected.length, seen.nextSetBit(from) < 0 ? expected.length : seen.nextSetBit(from));
        gaps++;
        largestGap = Math.max(largestGap, to - from);
        from = seen.nextClearBit(to);
      }
    }
  }

  long delivered() {
    return delivered;
  }

  long missing() {
    return missing;
  }

  long gaps() {
    return gaps;
  }

  JsonObject toJson() {
    long expectedTotal = (long) expectedPerClient * clients;
    return new JsonObject()
        .put("expectedPerClient", expectedPerClient)
        .put("expectedTotal", expectedTotal)
        .put("delivered", delivered)
        .put("missing", missing)
        .put("lossRatio", expectedTotal == 0 ? 0.0 : (double) missing / expectedTotal)
        .put("clientsWithLoss", clientsWithLoss)
        .put("gaps", gaps)
        .put("largestGap", largestGap)
        .put("duplicates", duplicates)
        .put("outOfOrder", outOfOrder)
        .put("unexpected", unexpected);
  }
}
