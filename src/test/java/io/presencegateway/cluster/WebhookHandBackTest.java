package io.presencegateway.cluster;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.Setting;
import io.presencegateway.store.DeliveryStore;
import io.presencegateway.store.redis.RedisWebhookStores;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.presencegateway.testsupport.Await.result;
import static io.presencegateway.testsupport.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis mode, the real launcher, SIGTERM while one receiver answers slowly and another never does:
 * the slow attempt finishes and counts as delivered, once; the hanging one is handed back without a
 * failure or an attempt being recorded, and a second instance delivers it at once (long before its
 * claim would have run out) with the same webhook-id; the process exits within the bound.
 */
class WebhookHandBackTest {
  private static final long SHUTDOWN_TIMEOUT_MS = 6_000;
  private static final long SLOW_ANSWER_MS = 1_500;
  /** Long enough that neither attempt times out by itself, and a claim would hide its job for 125 s. */
  private static final String WEBHOOK_TIMEOUT_MS = "60000";
  private static final Pattern LISTENING = Pattern.compile("listening on http://[^:]+:(\\d+)");
  private static final Pattern COMPLETE = Pattern.compile("Shutdown complete in (\\d+) ms");

  @Test
  void sigtermFinishesTheSlowAttemptAndHandsBackTheHangingOne() throws Exception {
    Vertx rxVertx = Vertx.vertx();
    try (ClusterFixture f = new ClusterFixture()) {
      Receiver slow = new Receiver();
      Receiver hanging = new Receiver();
      int slowPort = result(rxVertx.createHttpServer().requestHandler(req -> slow.record(req, () -> rxVertx.setTimer(SLOW_ANSWER_MS,
          t -> req.response().setStatusCode(204).end()))).listen(0, "127.0.0.1")).actualPort();
      int hangingPort = result(rxVertx.createHttpServer().requestHandler(req -> hanging.record(req, () -> {
        if (hanging.answering()) {
          req.response().setStatusCode(204).end();
        } // else: hang, holding the attempt open
      })).listen(0, "127.0.0.1")).actualPort();
      Map<Setting, Object> settings = new EnumMap<>(Setting.class);
      settings.put(Setting.WEBHOOKS, new JsonArray()
          .add(new JsonObject().put("url", "http://127.0.0.1:" + slowPort + "/slow").put("secret", secret('s')))
          .add(new JsonObject().put("url", "http://127.0.0.1:" + hangingPort + "/hang").put("secret", secret('h'))).encode());
      settings.put(Setting.WEBHOOK_ALLOW_PRIVATE_TARGETS, "true");
      settings.put(Setting.WEBHOOK_TIMEOUT_MS, WEBHOOK_TIMEOUT_MS);
      settings.put(Setting.SHUTDOWN_TIMEOUT_MS, Long.toString(SHUTDOWN_TIMEOUT_MS));

      Path log = Files.createTempFile("pg-handback-", ".log");
      Process first = f.launcherProcess(settings, log);
      Matcher port = LISTENING.matcher(ClusterFixture.read(log));
      assertThat(port.find()).as("listening line in " + log).isTrue();
      WebClient http = WebClient.create(rxVertx);
      until("baseline stored", Duration.ofSeconds(15), () -> result(http.get(Integer.parseInt(port.group(1)), "127.0.0.1",
          "/v1/presence").send()).bodyAsJsonObject().getJsonArray("items").size() == ClusterFixture.PEOPLE);
      f.webex.setStatus(f.webex.ids().get(0), "DoNotDisturb");
      until("both receivers hold the attempt", Duration.ofSeconds(15), () -> slow.count() == 1 && hanging.count() == 1);

      long sigterm = System.nanoTime();
      first.destroy(); // SIGTERM: the slow receiver answers within the drain window, the hanging one never
      hanging.startAnswering(); // for the instance that takes the job over
      assertThat(first.waitFor(SHUTDOWN_TIMEOUT_MS + 3_000, TimeUnit.MILLISECONDS)).as("exited (log: " + log + ")").isTrue();
      long exitMs = (System.nanoTime() - sigterm) / 1_000_000;
      String out = ClusterFixture.read(log);
      Matcher complete = COMPLETE.matcher(out);
      assertThat(complete.find()).as("orderly shutdown ran (log: " + log + ")").isTrue();
      assertThat(Long.parseLong(complete.group(1))).as("orderly shutdown within the bound").isLessThanOrEqualTo(SHUTDOWN_TIMEOUT_MS);
      assertThat(exitMs).as("process exit").isLessThan(SHUTDOWN_TIMEOUT_MS + 3_000);
      assertThat(out).contains("handed back 1 webhook job(s)");

      DeliveryStore deliveries = RedisWebhookStores.create(rxVertx, new GatewayConfig.Store(f.redis.url(), 100, 2_000)).deliveries();
      List<JsonObject> slowLog = result(deliveries.attempts("static-0", 10));
      assertThat(slowLog).as("the slow attempt finished and was recorded").hasSize(1);
      assertThat(slowLog.get(0).getBoolean("succeeded")).isTrue();
      assertThat(slowLog.get(0).getString("eventId")).isEqualTo(slow.ids().get(0));
      assertThat(result(deliveries.attempts("static-1", 10))).as("no failure recorded for the hand-back").isEmpty();
      assertThat(result(deliveries.pending())).as("the handed-back job waits in Redis").isEqualTo(1);

      f.gateway(settings); // a second instance with the same receivers
      until("the second instance delivers the handed-back job", Duration.ofSeconds(10), () -> hanging.count() == 2);
      until("queue drained", Duration.ofSeconds(5), () -> result(deliveries.pending()) == 0);
      assertThat(hanging.ids().get(1)).as("same webhook-id").isEqualTo(hanging.ids().get(0));
      List<JsonObject> hangingLog = result(deliveries.attempts("static-1", 10));
      assertThat(hangingLog).hasSize(1);
      assertThat(hangingLog.get(0).getBoolean("succeeded")).isTrue();
      assertThat(hangingLog.get(0).getInteger("attempt")).as("the handed-back claim was not counted as an attempt").isEqualTo(1);
      assertThat(slow.count()).as("the finished delivery is not repeated").isEqualTo(1);
    } finally {
      result(rxVertx.close());
    }
  }

  private static String secret(char fill) {
    return "whsec_" + java.util.Base64.getEncoder().encodeToString(String.valueOf(fill).repeat(32).getBytes());
  }

  /** The webhook-ids one receiver got, and whether it answers yet. */
  private static final class Receiver {
    private final List<String> ids = new ArrayList<>();
    private boolean answering;

    void record(HttpServerRequest req, Runnable then) {
      req.body().onSuccess(b -> {
        synchronized (this) {
          ids.add(req.getHeader("webhook-id"));
        }
        then.run();
      });
    }

    synchronized int count() {
      return ids.size();
    }

    synchronized List<String> ids() {
      return new ArrayList<>(ids);
    }

    synchronized boolean answering() {
      return answering;
    }

    synchronized void startAnswering() {
      answering = true;
    }
  }
}
