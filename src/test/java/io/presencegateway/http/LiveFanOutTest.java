package io.presencegateway.http;

import io.presencegateway.event.Addresses;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.event.PresenceEventCodec;
import io.presencegateway.event.PresenceFilter;
import io.presencegateway.store.memory.MemoryPresenceStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** One bus consumer per event loop serves every feed on it, and feeds may leave mid fan-out. */
class LiveFanOutTest {
  private static final PersonState ANN = new PersonState("ann", "call", "", null, null, "org", null, null);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(PresenceEventCodec.NAME).setLocalOnly(true);

  private final Vertx vertx = Vertx.vertx();
  private final MemoryPresenceStore store = new MemoryPresenceStore(vertx, 100);
  private final ChannelMetrics metrics = new ChannelMetrics();

  LiveFanOutTest() {
    vertx.eventBus().registerCodec(new PresenceEventCodec());
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** A sink that records event ids and may close its own feed on the first event (a dropped slow client). */
  private static final class Recording implements PresenceFeed.Sink {
    final List<String> ids = Collections.synchronizedList(new ArrayList<>());
    PresenceFeed feed;
    boolean closeOnFirst;

    @Override public void snapshot(String eventId, Buffer envelope) { }
    @Override public void reset() { }
    @Override public void overflow() { }

    @Override
    public void event(PresenceEvent event) {
      ids.add(event.id());
      if (closeOnFirst) {
        feed.close();
      }
    }
  }

  private Recording open(Context loop, boolean closeOnFirst) throws Exception {
    Recording sink = new Recording();
    sink.closeOnFirst = closeOnFirst;
    Promise<Void> started = Promise.promise();
    loop.runOnContext(v -> {
      sink.feed = new PresenceFeed(vertx, store, metrics, 100, PresenceFilter.ALL, sink);
      sink.feed.start(null).onComplete(started);
    });
    started.future().await(10, TimeUnit.SECONDS);
    return sink;
  }

  /** Event ids after the (empty) store's origin, so the snapshot does not already cover them. */
  private final long base = System.currentTimeMillis() + 60_000;

  private String id(int n) {
    return (base + n) + "-0";
  }

  private void publish(String id) {
    vertx.eventBus().publish(Addresses.PRESENCE_CHANGES, new PresenceEvent(id, "org", "2025-08-15T16:42:29.315Z", List.of(ANN)), LOCAL);
  }

  private static void until(Supplier<Boolean> condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.get()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void everyFeedOnEveryLoopGetsEachEventOnceAndAFeedMayLeaveMidFanOut() throws Exception {
    Context loopA = vertx.getOrCreateContext();
    Context loopB = vertx.getOrCreateContext();
    Recording leaver = open(loopA, true);
    List<Recording> stayers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      stayers.add(open(i % 2 == 0 ? loopA : loopB, false));
    }
    assertThat(metrics.busConsumers()).isEqualTo(51);

    publish(id(10));
    publish(id(11));
    publish(id(11)); // a duplicate id is delivered once
    until(() -> stayers.stream().allMatch(s -> s.ids.size() == 2), "every feed got both events");

    assertThat(stayers).allSatisfy(s -> assertThat(s.ids).containsExactly(id(10), id(11)));
    assertThat(leaver.ids).as("closed by its first event, so it got nothing after").containsExactly(id(10));
    assertThat(metrics.busConsumers()).isEqualTo(50);

    Future.all(stayers.stream().map(s -> runOn(loopOf(s, stayers, loopA, loopB), () -> s.feed.close())).toList())
        .await(10, TimeUnit.SECONDS);
    assertThat(metrics.busConsumers()).isZero();
    publish(id(12));
    publish(id(13));
    Recording late = open(loopB, false);
    publish(id(14));
    until(() -> late.ids.size() == 1, "a feed opened after others left still gets live events");
    assertThat(late.ids).containsExactly(id(14));
    assertThat(stayers).allSatisfy(s -> assertThat(s.ids).containsExactly(id(10), id(11)));
  }

  private static Context loopOf(Recording s, List<Recording> stayers, Context a, Context b) {
    return stayers.indexOf(s) % 2 == 0 ? a : b;
  }

  private static Future<Void> runOn(Context loop, Runnable action) {
    Promise<Void> done = Promise.promise();
    loop.runOnContext(v -> {
      action.run();
      done.complete();
    });
    return done.future();
  }
}
