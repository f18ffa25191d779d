package io.presencegateway.ws;

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

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The WebSocket text of the cycle's event. The message String is built once per event and filter
 * (FrameCache), but Vert.x's {@code writeTextMessage(String)} encodes it to UTF-8 again for every
 * client it is written to: that per-client step is measured on its own.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class WsMessageBenchmark {
  private PresenceEvent event;
  private Buffer envelope;
  private String message;
  private byte[] messageBytes;

  @Setup
  public void setUp() {
    event = PollCycle.create().event();
    envelope = event.envelope();
    message = WsMessages.event(event, envelope);
    messageBytes = message.getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public String eventMessage() {
    return WsMessages.event(event, envelope);
  }

  /** What {@code ServerWebSocket.writeTextMessage(String)} does first, for each client. */
  @Benchmark
  public byte[] perClientEncode() {
    return message.getBytes(StandardCharsets.UTF_8);
  }

  /** Copying the message's bytes once: no message can be built or sent for less. */
  @Benchmark
  public byte[] baseline() {
    return Arrays.copyOf(messageBytes, messageBytes.length);
  }
}
