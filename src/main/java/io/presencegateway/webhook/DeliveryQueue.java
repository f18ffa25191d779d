package io.presencegateway.webhook;

import java.util.function.Consumer;

/**
 * Where deliveries wait for their due time. The first cut keeps them in process memory
 * ({@link InMemoryDeliveryQueue}: lost on restart); a Redis implementation (due-time sorted set,
 * claimed by any instance) replaces it without touching the lanes that use it.
 */
public interface DeliveryQueue {

  /** Due jobs are handed to {@code handler} on the context that called this. */
  void onDue(Consumer<DeliveryJob> handler);

  /** Makes {@code job} due after {@code delayMs}; replaces a pending job with the same {@link DeliveryJob#key()}. */
  void schedule(DeliveryJob job, long delayMs);

  /** Drops every pending job of one receiver (it is gone or disabled). */
  void cancelReceiver(String receiverId);

  /** Jobs waiting for their due time. */
  int pending();

  void close();
}
