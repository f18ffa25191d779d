package io.presencegateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.presencegateway.GatewayServices;
import io.presencegateway.poll.PollStatus;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The gateway's own Prometheus series, one facade per gateway instance, named for what the code
 * does ({@link #upstreamCall}, {@link #changesDetected}, {@link #webhookAttempt} …) so that callers
 * never build meter names or tags. Tags are a fixed, small set (status codes, outcomes, channel
 * names): never a person id, subscription id, URL or secret.
 *
 * <p>Reached with {@link #of(GatewayServices)} from any verticle of the gateway. The registry is
 * the process registry Vert.x reports its own HTTP metrics into when {@link io.presencegateway.Main}
 * set one up; otherwise (a gateway embedded in a plain Vert.x, as in tests) a private Prometheus
 * registry, so {@code /metrics} works either way, with or without Vert.x's series.
 */
public final class GatewayMetrics {
  /** Webhook attempt outcomes used as tag values; anything else is reported as {@code other}. */
  public static final Set<String> OUTCOMES = Set.of("success", "redirect", "client_error", "server_error", "gone",
      "no_response", "refused", "other");
  /** Delivery latency buckets: seconds for a healthy receiver, hours while retries run. */
  private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMinutes(5),
      Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(10)};
  private static final Map<GatewayServices, GatewayMetrics> BY_GATEWAY = new WeakHashMap<>();
  private static final AtomicReference<PrometheusMeterRegistry> PROCESS_REGISTRY = new AtomicReference<>();

  private final PrometheusMeterRegistry registry;
  private final Map<String, Counter> upstreamCalls = new ConcurrentHashMap<>();
  private final Map<String, Counter> webhookAttempts = new ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.LongAdder webhookEvents = new java.util.concurrent.atomic.LongAdder();
  private final Timer pollSuccess;
  private final Timer pollFailure;
  private final Counter changesDetected;
  private final Counter leaseHolderChanges;
  private final Counter deadLetters;
  private final Counter webhookRequeued;
  private final Timer deliveryLatency;
  private final DistributionSummary upstreamCallsPerCycle;
  private final AtomicReference<Supplier<Number>> queueDepth = new AtomicReference<>(() -> 0);

  private GatewayMetrics(PrometheusMeterRegistry registry) {
    this.registry = registry;
    pollSuccess = pollTimer("success");
    pollFailure = pollTimer("failure");
    changesDetected = Counter.builder("presence_changes_detected").description("Person changes (status or message) detected by this instance's poller").register(registry);
    leaseHolderChanges = Counter.builder("presence_lease_holder_changes").description("Times this instance took or lost the poll lease").register(registry);
    deadLetters = Counter.builder("presence_webhook_dead_letters").description("Deliveries that exhausted their retries").register(registry);
    webhookRequeued = Counter.builder("presence_webhook_handed_back").description("In-flight deliveries handed back at shutdown for another instance").register(registry);
    deliveryLatency = Timer.builder("presence_webhook_delivery_latency").description("From detection of a change to the receiver's 2xx")
        .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    upstreamCallsPerCycle = DistributionSummary.builder("presence_upstream_calls_per_cycle").description("Upstream requests made by one poll cycle").register(registry);
    Gauge.builder("presence_webhook_queue_depth", queueDepth, q -> q.get().get().doubleValue()).description("Webhook jobs queued: due, scheduled for a retry or being attempted (with Redis, the whole cluster's queue)").register(registry);
    for (String outcome : OUTCOMES) {
      webhookAttempts.computeIfAbsent(outcome, this::attemptCounter);
    }
    counterFrom(EVENTS_SENT, EVENTS_SENT_HELP, webhookEvents, java.util.concurrent.atomic.LongAdder::sum, "channel", "webhook");
  }

  /** The facade of one gateway; created on first use. */
  public static GatewayMetrics of(GatewayServices services) {
    synchronized (BY_GATEWAY) {
      return BY_GATEWAY.computeIfAbsent(services, s -> new GatewayMetrics(registryForNewGateway()).bindPollStatus(s.pollStatus()));
    }
  }

  /**
   * Registry Vert.x itself reports into, set once by the launcher before Vert.x starts. Only the
   * first gateway of the process uses it (one per process in production); more gateways in one JVM
   * (tests) each get their own, so their gauges never overwrite each other.
   */
  public static void useProcessRegistry(PrometheusMeterRegistry registry) {
    PROCESS_REGISTRY.set(registry);
  }

  /**
   * Labels of Vert.x's own series, each of bounded cardinality: the method, the status code and the
   * route template of HTTP requests (never the path, which holds person and subscription ids, nor a
   * client's address), and the type of pool ({@code worker}, {@code http}, {@code ws}). Not the pool
   * name: for HTTP client pools it is the remote host and port, i.e. one set of series per webhook
   * receiver. Not the local address either: {@code ?} on clients, the one bound address on servers.
   */
  public static final Set<Label> VERTX_LABELS = Set.copyOf(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE,
      Label.POOL_TYPE));

  /**
   * A Vert.x builder that reports Vert.x's HTTP server/client, pool and JVM series into a Prometheus
   * registry, labelled with {@link #VERTX_LABELS} only; the first gateway created in that Vert.x
   * adds its own series to the same registry. Used by the launcher ({@link io.presencegateway.Main}).
   */
  public static VertxBuilder vertxBuilder(VertxOptions options) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    useProcessRegistry(registry);
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
        .setLabels(EnumSet.copyOf(VERTX_LABELS)));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }

  private static PrometheusMeterRegistry registryForNewGateway() {
    PrometheusMeterRegistry shared = PROCESS_REGISTRY.getAndSet(null);
    return shared != null ? shared : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every series. */
  public String scrape() {
    return registry.scrape();
  }

  private GatewayMetrics bindPollStatus(PollStatus poll) {
    MeterRegistry r = registry;
    Gauge.builder("presence_poll_leader", poll, p -> p.leader() ? 1 : 0).description("1 while this instance holds the poll lease").register(r);
    Gauge.builder("presence_people_watched", poll, PollStatus::watched).description("People seen by the last successful cycle").register(r);
    Gauge.builder("presence_poll_interval_seconds", poll, p -> p.effectiveIntervalMs() / 1000.0).description("Effective poll interval, widened while upstream fails or throttles").register(r);
    Gauge.builder("presence_upstream_throttled", poll, p -> throttled(p) ? 1 : 0).description("1 while upstream asked to slow down (Retry-After running)").register(r);
    Gauge.builder("presence_upstream_unauthorized", poll, p -> p.unauthorized() ? 1 : 0).description("1 while upstream refuses the token").register(r);
    Gauge.builder("presence_poll_last_success_age_seconds", poll, GatewayMetrics::lastSuccessAge).description("Seconds since the last successful cycle (NaN before the first)").register(r);
    return this;
  }

  private static boolean throttled(PollStatus p) {
    Instant until = p.throttledUntil();
    return until != null && until.isAfter(Instant.now());
  }

  private static double lastSuccessAge(PollStatus p) {
    Instant last = p.lastSuccess();
    return last == null ? Double.NaN : Duration.between(last, Instant.now()).toMillis() / 1000.0;
  }

  /** Reads counters kept elsewhere (e.g. the channels' adders) as a Prometheus counter. */
  public <T> void counterFrom(String name, String description, T source, java.util.function.ToDoubleFunction<T> value, String... tags) {
    FunctionCounter.builder(name, source, value).description(description).tags(tags).register(registry);
  }

  /** Reads a gauge kept elsewhere (e.g. open connections). */
  public <T> void gaugeFrom(String name, String description, T source, java.util.function.ToDoubleFunction<T> value, String... tags) {
    Gauge.builder(name, source, value).description(description).tags(tags).register(registry);
  }

  // ---- called by the poller ----

  /** One poll cycle ended; {@code ok} when it read upstream and stored the result. */
  public void pollCycle(Duration took, boolean ok) {
    (ok ? pollSuccess : pollFailure).record(took);
  }

  /** One request to Webex answered with {@code status} (0: no answer, timeout or connection error). */
  public void upstreamCall(int status) {
    String tag = status <= 0 ? "none" : Integer.toString(status);
    upstreamCalls.computeIfAbsent(tag, s -> Counter.builder("presence_upstream_calls").description("Requests to the Webex API by status code")
        .tag("status", s).register(registry)).increment();
  }

  public void upstreamCallsInCycle(int calls) {
    upstreamCallsPerCycle.record(calls);
  }

  public void changesDetected(int people) {
    changesDetected.increment(people);
  }

  public void leaseHolderChanged() {
    leaseHolderChanges.increment();
  }

  // ---- called by the channels ----

  /** Name of the events-per-channel counter; the SSE and WebSocket values are read from their own adders. */
  public static final String EVENTS_SENT = "presence_events_sent";
  public static final String EVENTS_SENT_HELP = "Events written to clients (webhook: delivered with a 2xx), by channel";

  /** One event delivered to a webhook receiver (2xx). */
  public void webhookEventDelivered() {
    webhookEvents.increment();
  }

  // ---- called by the webhook sender ----

  /** One delivery attempt ended; see {@link #outcomeOf}. */
  public void webhookAttempt(String outcome) {
    webhookAttempts.computeIfAbsent(OUTCOMES.contains(outcome) ? outcome : "other", this::attemptCounter).increment();
  }

  /** The outcome tag of an attempt from its status code (0 = no answer) and success. */
  public static String outcomeOf(int statusCode, boolean succeeded) {
    if (succeeded) {
      return "success";
    }
    if (statusCode <= 0) {
      return "no_response";
    }
    if (statusCode == 410) {
      return "gone";
    }
    return statusCode < 400 ? "redirect" : statusCode < 500 ? "client_error" : "server_error";
  }

  /** Detection of a change to the receiver's 2xx (the final, successful attempt). */
  public void deliveryLatency(Duration detectionTo2xx) {
    deliveryLatency.record(detectionTo2xx);
  }

  public void deadLettered() {
    deadLetters.increment();
  }

  public void handedBack(int deliveries) {
    webhookRequeued.increment(deliveries);
  }

  /** Where the queue depth gauge reads from; the webhook sender sets it once it owns a queue. */
  public void queueDepth(Supplier<Number> depth) {
    queueDepth.set(depth);
  }

  private Timer pollTimer(String outcome) {
    return Timer.builder("presence_poll_cycle").description("Duration of one poll cycle (lease, upstream, diff, store)")
        .tag("outcome", outcome).register(registry);
  }

  private Counter attemptCounter(String outcome) {
    return Counter.builder("presence_webhook_attempts").description("Webhook delivery attempts by outcome")
        .tag("outcome", outcome).register(registry);
  }
}
