package io.presencegateway.event;

import io.presencegateway.store.PresenceStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Tails the event log and publishes every event once, in order, on this instance's local bus
 * ({@link Addresses#PRESENCE_CHANGES}). Every instance runs one, so every instance's SSE and
 * WebSocket clients see every event no matter which instance polled. Starts at the log's end: what
 * came before is served by snapshots and resume, not replayed on the bus.
 */
public final class LogRelayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(LogRelayVerticle.class);
  private static final int BATCH = 500;
  private static final long WAIT_MS = 2_000;
  private static final long RETRY_MS = 1_000;
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(PresenceEventCodec.NAME).setLocalOnly(true);

  private final PresenceStore store;
  private String lastId;
  private boolean stopped;
  private long failures;

  public LogRelayVerticle(PresenceStore store) {
    this.store = store;
  }

  @Override
  public Future<?> start() {
    return store.lastEventId().onSuccess(id -> {
      lastId = id;
      next();
    });
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    return Future.succeededFuture();
  }

  private void next() {
    if (stopped) {
      return;
    }
    store.readAfter(lastId, BATCH, WAIT_MS).onComplete(ar -> {
      if (ar.succeeded()) {
        if (failures > 0) {
          LOG.info("Event log tail recovered after {} failed read(s)", failures);
          failures = 0;
        }
        publish(ar.result());
        next();
      } else if (stopped) {
        return; // the blocking read was cut short by the shutdown closing the store: not trouble
      } else {
        // one line when the trouble starts and then every 30 retries, not one a second per instance
        if (failures++ % 30 == 0) {
          LOG.warn("Event log tail failed ({} in a row), retrying every {} ms: {}", failures, RETRY_MS, ar.cause().toString());
        }
        vertx.setTimer(RETRY_MS, t -> next());
      }
    });
  }

  private void publish(List<PresenceEvent> events) {
    for (PresenceEvent e : events) {
      vertx.eventBus().publish(Addresses.PRESENCE_CHANGES, e, LOCAL);
      lastId = e.id();
    }
  }
}
