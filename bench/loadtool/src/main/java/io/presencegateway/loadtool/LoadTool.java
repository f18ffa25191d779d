package io.presencegateway.loadtool;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fan-out load tool of Presence Gateway's benchmarks: many SSE and WebSocket subscribers in one
 * non-blocking process, against the gateway or Nchan, on loopback only. Prints one summary line
 * and writes one JSON result object (to {@code --out}, or stdout); {@code report} turns the runs of
 * bench/fanout.sh into its result files.
 */
public final class LoadTool {
  static final String USAGE = """
      usage:
        java -jar loadtool.jar run --flavour gateway|nchan --port P --sse N --ws M [options]
            --host 127.0.0.1 --sse-path PATH --ws-path PATH  (defaults by flavour)
            --warmup-ms 3000 --window-ms 20000 --grace-ms 5000 --baseline-ms 2000
            --pid PID[,PID]      server processes whose CPU and RSS are sampled from /proc
            --jvm-pid PID        live heap (jcmd GC.class_histogram) before and after connecting
            --clock-ticks 100    getconf CLK_TCK
            --connect-in-flight 256 --connect-timeout-ms 10000 --ramp-timeout-ms 120000 --event-loops N
            --publish-url URL --rate R --body-bytes B --items K  (nchan: publish envelopes while measuring)
            --changes-per-sec C  (the load's nominal change rate, recorded for the report)
            --label NAME --out FILE
        java -jar loadtool.jar publish --publish-url URL --rate R --duration-ms D [--body-bytes B] [--items K] [--out FILE]
        java -jar loadtool.jar report --runs-dir DIR --machine JSON --command CMD --out BASE
            [--servers TEXT] [--poll-interval-ms MS] [--fd-limit N] [--idle-clients N]
            (writes BASE.json and BASE.md from DIR/<scenario>-<server>.json)
      """;

  private LoadTool() {
  }

  public static void main(String[] argv) {
    int code;
    try {
      Args args = new Args(argv);
      code = switch (args.mode()) {
        case "run" -> run(args);
        case "publish" -> publish(args);
        case "report" -> FanoutReport.main(args);
        default -> throw new IllegalArgumentException("unknown mode '" + args.mode() + "'");
      };
    } catch (IllegalArgumentException e) {
      System.err.println("loadtool: " + e.getMessage());
      System.err.print(USAGE);
      code = 2;
    } catch (Exception e) {
      System.err.println("loadtool: failed: " + e);
      e.printStackTrace();
      code = 1;
    }
    System.exit(code);
  }

  private static int run(Args args) throws Exception {
    RunConfig config = RunConfig.from(args);
    args.rejectUnused();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(config.eventLoops()));
    try {
      Measurement measurement = new Measurement();
      Fleet fleet = new Fleet(vertx, config.eventLoops(), config.target(), config.sseClients(), config.wsClients(), measurement);
      Publisher publisher = config.publishUrl() == null ? null : new Publisher(vertx, config.publishUrl(), config.rate(),
          (long) Math.ceil(config.rate() * (config.warmupMs() + config.windowMs() + config.graceMs() + 2_000) / 1000.0),
          new BodyTemplate(config.bodyBytes(), config.items()));
      JsonObject result = await(new Run(vertx, config, fleet, measurement, publisher).execute(), config.deadlineMillis());
      emit(result, config.out());
      System.out.println(Summary.line(result));
      return 0;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static int publish(Args args) throws Exception {
    URI url = URI.create(args.required("publish-url"));
    double rate = args.decimal("rate", 0);
    int durationMs = args.integer("duration-ms", 10_000);
    int bodyBytes = args.integer("body-bytes", 0);
    int items = args.integer("items", 1);
    String out = args.string("out", "");
    args.rejectUnused();
    if (durationMs < 1 || durationMs > 600_000) {
      throw new IllegalArgumentException("--duration-ms must be between 1 and 600000");
    }
    Vertx vertx = Vertx.vertx();
    try {
      Publisher publisher = new Publisher(vertx, url, rate, (long) Math.ceil(rate * durationMs / 1000.0), new BodyTemplate(bodyBytes, items));
      publisher.start(durationMs);
      // the publisher ends on its own at the deadline or message cap; stop() then only waits for answers
      await(vertx.timer(durationMs).compose(t -> publisher.stop()), durationMs + 30_000L);
      JsonObject summary = publisher.summary();
      if (!out.isBlank()) {
        emit(summary, out);
      }
      System.out.println("publish: " + summary.encode());
      return summary.getLong("failed") == 0 ? 0 : 1;
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static <T> T await(Future<T> future, long timeoutMillis) throws Exception {
    CompletableFuture<T> f = future.toCompletionStage().toCompletableFuture();
    return f.get(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private static void emit(JsonObject json, String out) throws IOException {
    if (out == null || out.isBlank()) {
      System.out.println(json.encodePrettily());
    } else {
      Files.writeString(Path.of(out), json.encodePrettily() + "\n");
    }
  }
}
