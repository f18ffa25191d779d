package io.presencegateway.webhook;

import io.vertx.core.Vertx;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@link DeliveryQueue} on Vert.x timers: one timer per pending job. Used from one verticle
 * context only, so no locking; not durable (a restart forgets pending retries).
 */
public final class InMemoryDeliveryQueue implements DeliveryQueue {
  private final Vertx vertx;
  private final Map<String, Long> timers = new HashMap<>();
  private Consumer<DeliveryJob> handler = job -> { };

  public InMemoryDeliveryQueue(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public void onDue(Consumer<DeliveryJob> handler) {
    this.handler = handler;
  }

  @Override
  public void schedule(DeliveryJob job, long delayMs) {
    String key = job.key();
    Long previous = timers.remove(key);
    if (previous != null) {
      vertx.cancelTimer(previous);
    }
    long id = vertx.setTimer(Math.max(1, delayMs), t -> {
      timers.remove(key);
      handler.accept(job);
    });
    timers.put(key, id);
  }

  @Override
  public void cancelReceiver(String receiverId) {
    String prefix = receiverId + "/";
    timers.entrySet().removeIf(e -> {
      boolean ofReceiver = e.getKey().startsWith(prefix);
      if (ofReceiver) {
        vertx.cancelTimer(e.getValue());
      }
      return ofReceiver;
    });
  }

  @Override
  public int pending() {
    return timers.size();
  }

  @Override
  public void close() {
    timers.values().forEach(vertx::cancelTimer);
    timers.clear();
  }
}
