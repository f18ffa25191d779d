package io.presencegateway.poll;

import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The change rules on an already parsed 1,000-person page, 1 % of it changed. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class PageDiffBenchmark {
  private PollCycle cycle;
  private List<ObservedPerson> people;
  private String[] keys;
  private String[] statuses;

  @Setup
  public void setUp() {
    cycle = PollCycle.create();
    people = cycle.observed().people();
    keys = people.stream().map(p -> PersonIds.key(p.id())).toArray(String[]::new);
    statuses = people.stream().map(ObservedPerson::status).toArray(String[]::new);
  }

  @Benchmark
  public PresenceDiff.Result diff() {
    return PresenceDiff.compute(cycle.stored(), cycle.observed(), cycle.messages());
  }

  /** The id → store key step alone, once per person: the page parse does it, the diff uses the key it carries. */
  @Benchmark
  public void personKeys(Blackhole blackhole) {
    for (ObservedPerson person : people) {
      blackhole.consume(PersonIds.key(person.id()));
    }
  }

  /**
   * The least any diff does: look every person up in the stored map by a key known in advance,
   * remember the key as seen, and compare the status.
   */
  @Benchmark
  public List<PersonState> baseline() {
    Map<String, PersonState> stored = cycle.stored();
    Set<String> seen = new HashSet<>();
    List<PersonState> changed = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      PersonState old = stored.get(keys[i]);
      seen.add(keys[i]);
      if (old != null && !Objects.equals(old.status(), statuses[i])) {
        changed.add(old);
      }
    }
    return seen.size() == keys.length ? changed : null;
  }
}
