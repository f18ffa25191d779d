package io.presencegateway.event;

import io.presencegateway.poll.PollCycle;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Serialising the cycle's event (10 people) into the seed-shaped envelope: once per event. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class EnvelopeBenchmark {
  private PresenceEvent event;
  private List<PersonState> items;

  @Setup
  public void setUp() {
    event = PollCycle.create().event();
    items = event.items();
    if (!Arrays.equals(write(), baseline().getBytes())) {
      throw new IllegalStateException("the baseline must write the same bytes as Envelope");
    }
  }

  @Benchmark
  public byte[] write() {
    return Envelope.write(event.orgId(), event.timestamp(), items);
  }

  /** The same JSON built the everyday way: a Vert.x JsonObject tree, encoded. */
  @Benchmark
  public Buffer baseline() {
    JsonArray array = new JsonArray();
    for (PersonState item : items) {
      array.add(new JsonObject().put("id", item.id()).put("status", item.status())
          .put("statusMessage", item.statusMessage()).put("lastActivity", item.lastActivity())
          .put("lastModified", item.lastModified()));
    }
    return new JsonObject().put("payload", Envelope.PAYLOAD).put("items", array)
        .put("orgId", event.orgId()).put("timestamp", event.timestamp()).toBuffer();
  }
}
