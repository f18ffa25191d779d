package io.presencegateway.poll;

import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/** A poll cycle's CPU work on one 1,000-person page, from the bytes received to the diff result. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class PageParseAndDiffBenchmark {
  private PollCycle cycle;

  @Setup
  public void setUp() {
    cycle = PollCycle.create();
  }

  @Benchmark
  public PresenceDiff.Result parseAndDiff() {
    return PresenceDiff.compute(cycle.stored(), PollCycle.observe(cycle.page()), cycle.messages());
  }

  /** Decoding the same page into a JsonObject tree (how the gateway read pages before it read them as a token stream). */
  @Benchmark
  public JsonObject baseline() {
    return new JsonObject(cycle.page());
  }
}
