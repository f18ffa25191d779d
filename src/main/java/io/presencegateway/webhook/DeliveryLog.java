package io.presencegateway.webhook;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** The newest delivery attempts, bounded; readable from any thread (the API, tests). */
public final class DeliveryLog {
  private final int capacity;
  private final ArrayDeque<DeliveryAttempt> attempts = new ArrayDeque<>();

  public DeliveryLog(int capacity) {
    this.capacity = capacity;
  }

  public synchronized void add(DeliveryAttempt attempt) {
    attempts.addLast(attempt);
    while (attempts.size() > capacity) {
      attempts.removeFirst();
    }
  }

  /** Oldest first. */
  public synchronized List<DeliveryAttempt> all() {
    return new ArrayList<>(attempts);
  }

  public List<DeliveryAttempt> forReceiver(String receiverId) {
    return all().stream().filter(a -> a.receiverId().equals(receiverId)).toList();
  }
}
