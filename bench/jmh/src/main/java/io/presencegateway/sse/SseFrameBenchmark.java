package io.presencegateway.sse;

import io.presencegateway.event.PresenceEvent;
import io.presencegateway.poll.PollCycle;
import io.vertx.core.buffer.Buffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * The SSE frame of the cycle's event around its already serialised envelope. Built once per event
 * and filter (FrameCache) and then written as the same Buffer to every client.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class SseFrameBenchmark {
  private PresenceEvent event;
  private Buffer envelope;

  @Setup
  public void setUp() {
    event = PollCycle.create().event();
    envelope = event.envelope();
  }

  @Benchmark
  public Buffer eventFrame() {
    return SseFrame.event(event.id(), SseChannel.EVENT, envelope);
  }

  /** Copying the envelope into a new Buffer of the frame's size: no frame can cost less. */
  @Benchmark
  public Buffer baseline() {
    return Buffer.buffer(envelope.length() + 64).appendBuffer(envelope);
  }
}
