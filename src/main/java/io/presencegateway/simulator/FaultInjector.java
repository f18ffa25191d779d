package io.presencegateway.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Pending faults, first injected first used. Owned by the simulator's event loop. */
final class FaultInjector {
  private static final int MAX_PENDING = 1000;
  private final List<Fault> pending = new ArrayList<>();

  void add(Fault fault) {
    if (pending.size() >= MAX_PENDING) {
      throw new IllegalArgumentException("too many pending faults (" + MAX_PENDING + "); DELETE /v1/simulator/faults first");
    }
    pending.add(fault);
  }

  void clear() {
    pending.clear();
  }

  List<Fault> pending() {
    return List.copyOf(pending);
  }

  /** The fault for a request to {@code path}, counting one use of it; empty when none matches. */
  Optional<Fault> take(String path) {
    for (int i = 0; i < pending.size(); i++) {
      Fault fault = pending.get(i);
      if (fault.matches(path) && fault.skip() > 0) {
        pending.set(i, fault.skipped());
      } else if (fault.matches(path)) {
        Fault left = fault.used();
        if (left.times() > 0) {
          pending.set(i, left);
        } else {
          pending.remove(i);
        }
        return Optional.of(fault);
      }
    }
    return Optional.empty();
  }
}
