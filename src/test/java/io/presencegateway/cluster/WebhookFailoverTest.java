package io.presencegateway.cluster;

import io.presencegateway.config.Setting;
import io.presencegateway.testsupport.Await;
import io.presencegateway.testsupport.StandardWebhooksVerifier;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis mode: the instance holding a webhook job is killed with SIGKILL mid-attempt; another
 * instance delivers the job when its claim runs out, with the same webhook-id.
 */
class WebhookFailoverTest {
  private static final String SECRET = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);

  @Test
  void anotherInstanceDeliversTheJobsOfAKilledOne() throws Exception {
    Vertx rxVertx = Vertx.vertx();
    List<String[]> received = new ArrayList<>(); // webhook-id, timestamp, signature, body
    boolean[] answer = {false};
    HttpServer rx = result(rxVertx.createHttpServer().requestHandler(req -> record(req, received, answer)).listen(0, "127.0.0.1"));
    Map<Setting, Object> hooks = Map.of(Setting.WEBHOOK_URL, "http://127.0.0.1:" + rx.actualPort() + "/hook",
        Setting.WEBHOOK_SECRET, SECRET, Setting.WEBHOOK_ALLOW_PRIVATE_TARGETS, "true", Setting.WEBHOOK_TIMEOUT_MS, "1500");
    try (ClusterFixture f = new ClusterFixture()) {
      Process holder = f.gatewayProcess(hooks);
      // changes until one reaches the receiver (the first cycle is a silent baseline); it hangs there
      for (int i = 0; i < 30 && count(received) == 0; i++) {
        f.webex.setStatus(f.webex.ids().get(0), ClusterFixture.STATUSES[i % ClusterFixture.STATUSES.length]);
        waitBriefly(received);
      }
      assertThat(count(received)).as("the child instance started an attempt").isGreaterThan(0);
      holder.destroyForcibly();
      holder.waitFor();
      String heldId = first(received)[0];
      synchronized (received) {
        answer[0] = true;
      }

      Map<Setting, Object> settings = new java.util.EnumMap<>(hooks);
      f.gateway(settings);
      Await.until("the survivor delivers the held job", Duration.ofSeconds(30),
          () -> ids(received).stream().filter(heldId::equals).count() >= 2);
      String[] redelivered = received.stream().filter(r -> r[0].equals(heldId)).skip(1).findFirst().orElseThrow();
      assertThat(redelivered[3]).isEqualTo(first(received)[3]);
      new StandardWebhooksVerifier(SECRET).verify(redelivered[0], redelivered[1], redelivered[2],
          redelivered[3].getBytes(java.nio.charset.StandardCharsets.UTF_8), Instant.now().getEpochSecond());
    } finally {
      result(rxVertx.close());
    }
  }

  private static void record(HttpServerRequest req, List<String[]> received, boolean[] answer) {
    req.body().onSuccess(b -> {
      boolean respond;
      synchronized (received) {
        received.add(new String[] {req.getHeader("webhook-id"), req.getHeader("webhook-timestamp"),
            req.getHeader("webhook-signature"), b.toString()});
        respond = answer[0];
      }
      if (respond) {
        req.response().setStatusCode(204).end();
      } // else: hang, holding the sender's attempt open until it is killed
    });
  }

  private static void waitBriefly(List<String[]> received) {
    try {
      Await.until("a delivery", Duration.ofSeconds(1), () -> count(received) > 0);
    } catch (AssertionError notYet) {
      // try another change
    }
  }

  private static int count(List<String[]> received) {
    synchronized (received) {
      return received.size();
    }
  }

  private static String[] first(List<String[]> received) {
    synchronized (received) {
      return received.get(0);
    }
  }

  private static List<String> ids(List<String[]> received) {
    synchronized (received) {
      return received.stream().map(r -> r[0]).toList();
    }
  }
}
