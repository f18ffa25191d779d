package io.presencegateway.webhook;

import io.presencegateway.metrics.GatewayMetrics;
import io.presencegateway.store.DeliveryStore;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds {@code presence_webhook_queue_depth}: the jobs in the delivery store (due, scheduled for a
 * retry or being attempted; with Redis the cluster's shared queues, one script summing the ZCARD of
 * each subscription that has jobs) read on a timer. The
 * gauge returns the last value read, so a scrape never waits on the store and the event loop never
 * blocks; a read still running when the next is due is not doubled.
 */
final class QueueDepthGauge {
  private static final Logger LOG = LoggerFactory.getLogger(QueueDepthGauge.class);
  static final long REFRESH_MS = 1_000;

  private final Vertx vertx;
  private final DeliveryStore store;
  private volatile int depth;
  private boolean reading;
  private long timer = -1;

  QueueDepthGauge(Vertx vertx, DeliveryStore store, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.store = store;
    metrics.queueDepth(() -> depth);
  }

  void start() {
    refresh();
    timer = vertx.setPeriodic(REFRESH_MS, t -> refresh());
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  private void refresh() {
    if (reading) {
      return;
    }
    reading = true;
    store.pending().onComplete(ar -> {
      reading = false;
      if (ar.succeeded()) {
        depth = ar.result();
      } else {
        LOG.debug("Reading the webhook queue depth failed (the gauge keeps its last value): {}", ar.cause().toString());
      }
    });
  }
}
