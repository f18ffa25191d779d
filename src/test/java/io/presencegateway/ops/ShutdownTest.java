package io.presencegateway.ops;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.presencegateway.testsupport.Await.result;
import static io.presencegateway.testsupport.Await.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real launcher ({@code io.presencegateway.Main}) in a child JVM, sent SIGTERM while an SSE
 * client, a WebSocket client and a webhook receiver that never answers are connected: the SSE
 * stream ends after a {@code retry:} hint, the WebSocket is closed with 1012, the steps run in the
 * documented order (readiness 503 first, so a load balancer moves on before anything stops), the
 * hanging attempts are handed back, and the process exits within SHUTDOWN_TIMEOUT_MS. The Redis
 * side of the hand-back (another instance delivers) is {@code cluster.WebhookHandBackTest}.
 */
class ShutdownTest {
  private static final long SHUTDOWN_TIMEOUT_MS = 4_000;
  private static final Pattern LISTENING = Pattern.compile("listening on http:\\\\?/\\\\?/[^:]+:(\\d+)"); // JSON logs escape '/' 
  /** The shutdown log lines, in the order docs/OPERATIONS.md gives the steps. */
  private static final List<String> STEPS = List.of("Shutdown: readiness is 503", "Shutdown: polling stopped", "Shutdown: HTTP server closed",
      "Shutdown: handed back", "webhook sender stopped", "Shutdown complete");
  private final Vertx vertx = Vertx.vertx();
  private final List<String> output = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> outputEnded = new CompletableFuture<>();
  private Process child;

  @AfterEach
  void cleanUp() {
    if (child != null && child.isAlive()) {
      child.destroyForcibly();
    }
    result(vertx.close());
  }

  @Test
  void sigtermTellsClientsToReconnectAndExitsWithinTheBound() throws Exception {
    AtomicInteger hooks = new AtomicInteger();
    int receiverPort = result(vertx.createHttpServer().requestHandler(req -> hooks.incrementAndGet()) // never answers
        .listen(0, "127.0.0.1")).actualPort();
    int port = startGateway(receiverPort);

    HttpClient http = vertx.createHttpClient();
    StringBuilder sse = new StringBuilder();
    AtomicBoolean sseEnded = new AtomicBoolean();
    result(http.request(HttpMethod.GET, port, "127.0.0.1", "/v1/presence/stream").compose(r -> r.send()).onSuccess(resp -> {
      resp.handler(b -> {
        synchronized (sse) {
          sse.append(b.toString(StandardCharsets.UTF_8));
        }
      });
      resp.endHandler(v -> sseEnded.set(true));
    }));
    AtomicReference<Short> wsClose = new AtomicReference<>();
    AtomicReference<String> wsReason = new AtomicReference<>();
    WebSocket ws = connectWebSocket(port);
    ws.closeHandler(v -> {
      wsReason.set(ws.closeReason());
      wsClose.set(ws.closeStatusCode());
    });
    ws.writeTextMessage(new JsonObject().put("type", "subscribe").encode());
    until("snapshot on SSE and a webhook attempt pending", Duration.ofSeconds(20), () -> {
      synchronized (sse) {
        return sse.toString().contains("event: snapshot") && hooks.get() > 0;
      }
    });
    int sseBefore;
    synchronized (sse) {
      sseBefore = sse.length();
    }

    long sigterm = System.nanoTime();
    child.toHandle().destroy(); // SIGTERM (Process.destroy() would also close the pipe the shutdown log comes through)
    assertThat(child.waitFor(SHUTDOWN_TIMEOUT_MS + 3_000, TimeUnit.MILLISECONDS)).as("exited within the bound").isTrue();
    long tookMs = (System.nanoTime() - sigterm) / 1_000_000;

    until("both clients told", Duration.ofSeconds(5), () -> sseEnded.get() && wsClose.get() != null);
    String tail;
    synchronized (sse) {
      tail = sse.substring(sseBefore);
    }
    assertThat(tail).as("last SSE frames").contains("retry:");
    assertThat(wsClose.get()).isEqualTo((short) 1012);
    assertThat(wsReason.get()).contains("restart");
    assertThat(tookMs).isLessThan(SHUTDOWN_TIMEOUT_MS + 3_000);
    assertThat(child.exitValue()).as("exit status after SIGTERM").isIn(0, 143);
    outputEnded.get(5, TimeUnit.SECONDS); // every line the child wrote has been read
    int previous = -1;
    for (String step : STEPS) {
      int at = lineOf(step);
      assertThat(at).as("shutdown step '%s' logged after the one before", step).isGreaterThan(previous);
      previous = at;
    }
  }

  private int lineOf(String text) {
    for (int i = 0; i < output.size(); i++) {
      if (output.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  /** Starts the launcher with the test classpath; returns the HTTP port from its start line. */
  private int startGateway(int receiverPort) throws Exception {
    File dir = Files.createTempDirectory("gw-shutdown").toFile();
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), "io.presencegateway.Main"))
        .directory(dir).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("HTTP_PORT", "0");
    env.put("SIMULATOR_PORT", "0");
    env.put("SIMULATOR_PEOPLE", "5");
    env.put("SIMULATOR_CHANGE_INTERVAL_MS", "200");
    env.put("POLL_INTERVAL_MS", "200");
    env.put("WEBHOOK_URL", "http://127.0.0.1:" + receiverPort + "/hook");
    env.put("WEBHOOK_SECRET", "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef-shutdown".getBytes()));
    env.put("WEBHOOK_ALLOW_PRIVATE_TARGETS", "true");
    env.put("WEBHOOK_TIMEOUT_MS", "60000");
    env.put("SHUTDOWN_TIMEOUT_MS", Long.toString(SHUTDOWN_TIMEOUT_MS));
    env.put("LOG_FORMAT", "json");
    env.remove("REDIS_URL");
    child = pb.start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          System.out.println("[gateway] " + line);
          output.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (Exception e) {
        port.completeExceptionally(e);
      }
      outputEnded.complete(null);
      port.completeExceptionally(new IllegalStateException("gateway exited before listening"));
    }, "gateway-output");
    reader.setDaemon(true);
    reader.start();
    return port.get(30, TimeUnit.SECONDS);
  }

  /**
   * The child JVM has only just started: on a loaded machine its first upgrade is now and then cut
   * off during the handshake. A few attempts, bounded; what is tested is the shutdown, not that.
   */
  private WebSocket connectWebSocket(int port) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return result(vertx.createWebSocketClient().connect(port, "127.0.0.1", "/v1/presence/ws"));
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw last;
  }
}
