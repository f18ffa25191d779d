package io.presencegateway.simulator;

import io.presencegateway.event.Timestamps;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Random;

/**
 * The Webex {@code GET /people} page one org of the built-in simulator answers on two consecutive
 * polls, with some people moved to another status in between. It sits in the simulator's package so
 * that the benchmarks read the very ids, names, timestamps and JSON the simulator serves (and the
 * poller polls), not a hand-made imitation of them.
 *
 * @param before the page of the first poll (UTF-8 JSON)
 * @param after  the page of the second poll
 */
public record SimulatedPages(String orgId, byte[] before, byte[] after) {

  /**
   * @param people how many people the org has (all on one page, as with {@code max=1000})
   * @param moved  how many of them get a new status before the second poll, spread over the listing
   */
  public static SimulatedPages generate(int people, int moved, long seed, Instant firstPoll) {
    SimulatedOrg org = SimulatedOrg.generate(people, seed, firstPoll);
    byte[] before = page(org.list());
    List<SimPerson> sharing = org.list().stream().filter(p -> p.status() != null).toList();
    Random random = new Random(seed);
    String movedAt = Timestamps.format(firstPoll.plusSeconds(1));
    int stride = sharing.size() / moved;
    for (int i = 0; i < moved; i++) {
      SimPerson person = sharing.get(i * stride);
      org.put(person.withPresence(PresenceMoves.next(person.status(), random), movedAt));
    }
    return new SimulatedPages(org.orgId(), before, page(org.list()));
  }

  /** The list body exactly as the simulator's People API writes it. */
  private static byte[] page(List<SimPerson> people) {
    JsonArray items = new JsonArray();
    people.forEach(p -> items.add(p.toJson()));
    return new JsonObject().put("items", items).toBuffer().getBytes();
  }
}
