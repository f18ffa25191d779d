package io.presencegateway.webhook;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.presencegateway.GatewayServices;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.store.DeliveryStore;
import io.presencegateway.store.PresenceStore;
import io.presencegateway.store.WebhookStores;
import io.presencegateway.store.memory.MemoryDeliveryStore;
import io.presencegateway.store.memory.MemorySubscriptionStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.presencegateway.webhook.WebhookTestSupport.await;
import static io.presencegateway.webhook.WebhookTestSupport.config;
import static io.presencegateway.webhook.WebhookTestSupport.emit;
import static io.presencegateway.webhook.WebhookTestSupport.person;
import static io.presencegateway.webhook.WebhookTestSupport.state;
import static io.presencegateway.webhook.WebhookTestSupport.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook sender while its store has trouble, and its test send: a store outage is logged when it
 * starts and when it ends (not once per claim round, every 100 ms), the shutdown's closed connection is
 * not a warning, and the test POST carries {@code x-org-id} like every delivery.
 */
@ExtendWith(VertxExtension.class)
class WebhookStoreOutageTest {
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private final List<Logger> watched = List.of((Logger) LoggerFactory.getLogger(DeliveryWorker.class),
      (Logger) LoggerFactory.getLogger(WebhookVerticle.class));

  @BeforeEach
  void captureLogs() {
    logs.start();
    watched.forEach(l -> l.addAppender(logs));
  }

  @AfterEach
  void release() {
    watched.forEach(l -> l.detachAppender(logs));
  }

  /** Calls through to {@code target}, except the one method named {@code failing} while {@code down}. */
  @SuppressWarnings("unchecked")
  private static <T> T failingWhileDown(Class<T> type, T target, String failing, Outage outage) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      if (method.getName().equals(failing)) {
        if (outage.held != null) {
          Promise<Object> pending = Promise.promise();
          outage.held.set(pending);
          return pending.future();
        }
        if (outage.down) {
          outage.failed.incrementAndGet();
          return Future.failedFuture(new ConnectException("Connection refused: 127.0.0.1:6379"));
        }
        outage.succeeded.incrementAndGet();
      }
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    });
  }

  private static final class Outage {
    volatile boolean down;
    volatile AtomicReference<Promise<Object>> held;
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger succeeded = new AtomicInteger();
  }

  private List<String> lines(Level level, String containing) {
    List<ILoggingEvent> copy;
    synchronized (logs) { // appends hold the appender's lock
      copy = new java.util.ArrayList<>(logs.list);
    }
    return copy.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains(containing)).toList();
  }

  @Test
  void aStoreOutageIsLoggedWhenItStartsAndWhenItEndsNotPerRound(Vertx vertx) throws Exception {
    Outage jobs = new Outage();
    Outage events = new Outage();
    DeliveryStore deliveries = failingWhileDown(DeliveryStore.class, new MemoryDeliveryStore(), "claim", jobs);
    PresenceStore presence = failingWhileDown(PresenceStore.class, WebhookTestSupport.store(vertx), "claimForDelivery", events);
    GatewayServices services = new GatewayServices(config(new JsonArray()), presence, new PollStatus(),
        new WebhookStores(new MemorySubscriptionStore(), deliveries, Future::succeededFuture));
    await(vertx.deployVerticle(new WebhookVerticle(services)));
    until(vertx, 5_000, "claims working", () -> jobs.succeeded.get() > 0 && events.succeeded.get() > 0);

    jobs.down = true;
    events.down = true;
    until(vertx, 10_000, "20 failed job claims and 3 failed event claims", () -> jobs.failed.get() >= 20 && events.failed.get() >= 3);
    jobs.down = false;
    events.down = false;
    until(vertx, 10_000, "both loops saying the store answers again", () -> lines(Level.INFO, "The store answers again").size() == 2);
    int after = jobs.succeeded.get();
    until(vertx, 5_000, "more claim rounds", () -> jobs.succeeded.get() > after + 2);

    assertThat(lines(Level.WARN, "")).as("one warning per loop for the whole outage").hasSize(2);
    assertThat(lines(Level.WARN, "The store is unreachable")).hasSize(2)
        .anyMatch(m -> m.contains("webhook deliveries")).anyMatch(m -> m.contains("events for webhooks"));
    assertThat(lines(Level.INFO, "The store answers again")).hasSize(2)
        .anyMatch(m -> m.contains("webhook deliveries")).anyMatch(m -> m.contains("events for webhooks"));
  }

  @Test
  void theConnectionClosedByTheShutdownIsNotAWarning(Vertx vertx) throws Exception {
    Outage events = new Outage();
    events.held = new AtomicReference<>();
    PresenceStore presence = failingWhileDown(PresenceStore.class, WebhookTestSupport.store(vertx), "claimForDelivery", events);
    GatewayServices services = new GatewayServices(config(new JsonArray()), presence, new PollStatus(), WebhookStores.memory());
    String id = await(vertx.deployVerticle(new WebhookVerticle(services)));
    until(vertx, 5_000, "the event claim waiting in the store", () -> events.held.get() != null);

    await(vertx.undeploy(id));
    // what the Redis client does to the blocking read when the store closes after the verticle stopped
    events.held.get().fail(new IllegalStateException("CONNECTION_CLOSED"));

    assertThat(lines(Level.WARN, "")).isEmpty();
    assertThat(lines(Level.ERROR, "")).isEmpty();
  }

  @Test
  void theTestSendCarriesTheOrgHeaderLikeEveryDelivery(Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    GatewayConfig config = config(new JsonArray());
    SubscriptionApiTest.Api api = SubscriptionApiTest.start(vertx, config);
    String id = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", rx.url()).put("ids", new JsonArray().add(person())))
        .bodyAsJsonObject().getString("id");
    emit(api.store(), state(person(), "active", "")); // the org becomes known (nobody subscribed: no delivery)

    var test = api.call("POST", "/v1/subscriptions/" + id + "/test", null);
    assertThat(test.statusCode()).isEqualTo(200);
    until(vertx, 5_000, "the test POST", () -> rx.received.size() == 1);
    FakeReceiver.Received r = rx.received.get(0);
    assertThat(r.headers().get("x-org-id")).isEqualTo(WebhookTestSupport.ORG);
    assertThat(new JsonObject(io.vertx.core.buffer.Buffer.buffer(r.body())).getString("orgId")).isEqualTo(WebhookTestSupport.ORG);
    assertThat(r.headers().get("webhook-id")).startsWith("test-");
  }
}
