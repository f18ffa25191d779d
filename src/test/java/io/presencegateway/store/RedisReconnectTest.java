package io.presencegateway.store;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.store.redis.RedisPresenceStore;
import io.presencegateway.testsupport.Await;
import io.presencegateway.testsupport.TestRedis;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.presencegateway.testsupport.Await.failure;
import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/** The store fails fast while Redis is gone and works again, by itself, when it is back. */
@ExtendWith(VertxExtension.class)
class RedisReconnectTest {

  @Test
  void theStoreRecoversWhenRedisComesBack(Vertx vertx) {
    TestRedis redis = TestRedis.restartable();
    PresenceStore store = RedisPresenceStore.create(vertx, new GatewayConfig.Store(redis.url(), 100, 500));
    awaitAnswering(store, "store connects"); // the first connection may take longer than one 500 ms command
    String originBefore = result(store.lastEventId());
    var tail = store.readAfter("0-0", 10, 5_000); // a blocking read in flight when Redis dies

    redis.stop();
    try {
      long started = System.nanoTime();
      assertThat(failure(store.ping())).isNotNull();
      assertThat(Duration.ofNanos(System.nanoTime() - started)).as("bounded by the timeout").isLessThan(Duration.ofSeconds(3));
      assertThat(failure(tail)).as("the blocking read fails too").isNotNull();
    } finally {
      redis.start();
    }

    awaitAnswering(store, "store answers again");
    assertThat(result(store.states())).isEmpty();
    assertThat(result(store.replayAfter(originBefore, 10)).gap()).as("a cursor from the log before the restart").isTrue();
    result(store.close());
  }

  private static void awaitAnswering(PresenceStore store, String what) {
    AtomicBoolean answered = new AtomicBoolean();
    Await.until(what, Duration.ofSeconds(10), () -> {
      store.ping().onSuccess(v -> answered.set(true));
      return answered.get();
    });
  }
}
