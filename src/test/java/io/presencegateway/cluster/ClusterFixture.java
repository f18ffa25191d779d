package io.presencegateway.cluster;

import io.presencegateway.config.Setting;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.PresenceEvent;
import io.presencegateway.testsupport.Await;
import io.presencegateway.testsupport.TestRedis;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;

/** A fake Webex, an empty Redis and the gateways of one test; everything closed by {@link #close}. */
final class ClusterFixture implements AutoCloseable {
  static final int PEOPLE = 5;
  static final String[] STATUSES = {"DoNotDisturb", "meeting", "call", "active"};

  final TestRedis redis;
  final FakePeopleApi webex = new FakePeopleApi(PEOPLE);
  final List<Gateway> gateways = new ArrayList<>();
  private final Vertx webexVertx = Vertx.vertx();
  private final List<Process> processes = new ArrayList<>();

  /** One scripted change: person {@code id} goes to {@code status}. */
  record Step(String id, String status) { }

  ClusterFixture() {
    this(TestRedis.get());
  }

  /** On a given Redis, e.g. {@link TestRedis#restartable()} for tests that kill it. */
  ClusterFixture(TestRedis redis) {
    this.redis = redis;
    redis.clean();
    result(webexVertx.deployVerticle(webex));
  }

  Gateway gateway() {
    Gateway g = Gateway.start(redis.url(), webex.baseUrl());
    gateways.add(g);
    return g;
  }

  Gateway gateway(Map<Setting, Object> extra) {
    Map<Setting, Object> settings = Gateway.settings(redis.url(), webex.baseUrl());
    settings.putAll(extra);
    Gateway g = Gateway.start(settings);
    gateways.add(g);
    return g;
  }

  /** A gateway in a child JVM, started and listening. */
  Process gatewayProcess() throws IOException {
    return gatewayProcess(Map.of());
  }

  /** A gateway in a child JVM with {@code extra} settings on top of the usual ones. */
  Process gatewayProcess(Map<Setting, Object> extra) throws IOException {
    return child(GatewayProcess.class.getName(), extra, Files.createTempFile("pg-gateway-", ".log"), GatewayProcess.READY);
  }

  /**
   * A gateway in a child JVM run by the real launcher ({@code io.presencegateway.Main}), so that
   * SIGTERM ({@link Process#destroy()}) runs the orderly shutdown; its output goes to {@code log}.
   */
  Process launcherProcess(Map<Setting, Object> extra, Path log) throws IOException {
    return child("io.presencegateway.Main", extra, log, "listening on http");
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  private Process child(String mainClass, Map<Setting, Object> extra, Path log, String readyLine) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
        mainClass).redirectErrorStream(true).redirectOutput(log.toFile())
        .directory(Files.createTempDirectory("pg-gateway").toFile());
    Gateway.settings(redis.url(), webex.baseUrl()).forEach((k, v) -> pb.environment().put(k.name(), String.valueOf(v)));
    pb.environment().remove("HTTP_PORT");
    pb.environment().put("HTTP_PORT", "0");
    extra.forEach((k, v) -> pb.environment().put(k.name(), String.valueOf(v)));
    Process p = pb.start();
    processes.add(p);
    Await.until("child gateway started (log: " + log + ")", Duration.ofSeconds(30), () -> {
      assertThat(p.isAlive()).as("child gateway alive (log: " + log + ")").isTrue();
      return read(log).contains(readyLine);
    });
    return p;
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Waits until the stored state holds every person: the baseline cycle has run. */
  void awaitBaseline(Gateway any) {
    Await.until("baseline of " + PEOPLE + " people stored", Duration.ofSeconds(15),
        () -> storedCount(any) == PEOPLE);
  }

  static int storedCount(Gateway g) {
    try {
      return result(g.main().services().store().states()).size();
    } catch (RuntimeException e) {
      return -1; // the store is failing right now (Redis restarting)
    }
  }

  /** Step {@code n} of a series: each person in turn; every round moves everyone to the next status. */
  Step step(int n) {
    List<String> ids = webex.ids();
    return new Step(ids.get(n % ids.size()), STATUSES[(n / ids.size()) % STATUSES.length]);
  }

  /** Makes the change upstream and waits until every listed gateway's bus has delivered it. */
  void change(Step step, List<Gateway> watchers, Duration within) {
    webex.setStatus(step.id(), step.status());
    for (Gateway g : watchers) {
      Await.until("gateway received " + step, within, () -> hasItem(g.received(), step));
    }
  }

  private static boolean hasItem(List<PresenceEvent> events, Step step) {
    return !events.isEmpty() && events.get(events.size() - 1).items().stream()
        .anyMatch(i -> i.id().equals(step.id()) && i.status().equals(step.status()));
  }

  /** The changes a bus delivered, flattened in delivery order. */
  static List<Step> steps(List<PresenceEvent> events) {
    List<Step> out = new ArrayList<>();
    for (PresenceEvent e : events) {
      for (PersonState i : e.items()) {
        out.add(new Step(i.id(), i.status()));
      }
    }
    return out;
  }

  static List<String> ids(List<PresenceEvent> events) {
    return events.stream().map(PresenceEvent::id).toList();
  }

  @Override
  public void close() {
    processes.forEach(Process::destroyForcibly);
    for (Gateway g : gateways) {
      try {
        g.close();
      } catch (RuntimeException | AssertionError e) {
        // already closed by the test (failover)
      }
    }
    result(webexVertx.close());
  }
}
