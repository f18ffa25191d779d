package io.presencegateway.poll;

import java.util.List;
import java.util.Set;

/**
 * What one poll cycle saw.
 *
 * @param people   everyone reported, in upstream order
 * @param gone     ids the upstream says no longer exist (404 on a per-person GET)
 * @param complete true when the whole watch set was read without failure, so that anyone stored but
 *                 not reported has left the watch set; false after any partial failure, so that
 *                 nobody is dropped on the strength of a missing page
 */
public record Observation(List<ObservedPerson> people, Set<String> gone, boolean complete) {
  public Observation {
    people = List.copyOf(people);
    gone = Set.copyOf(gone);
  }
}
