package io.presencegateway.simulator;

import io.presencegateway.event.PersonIds;
import io.presencegateway.event.Timestamps;
import io.vertx.core.buffer.Buffer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

/**
 * The simulator's people, in a stable listing order, keyed by person UUID so that any encoding of
 * an id finds them. An update keeps a person's place in the listing; a new person goes last. Each
 * person's Person JSON is serialised once and kept until that person changes, so that a page of
 * the org list costs a copy of its people's bytes, not a copy of the org and a fresh encoding (a
 * 100,000-person org is listed in 100 pages every poll). Owned by the simulator's event loop: not
 * thread-safe by design.
 */
final class SimulatedOrg {
  private static final List<String> FIRST = List.of("Ana", "Ben", "Chloe", "Diego", "Emma", "Farid", "Grace", "Hiro",
      "Ines", "Jonas", "Kara", "Liam", "Maya", "Nils", "Olivia", "Priya", "Quentin", "Rosa", "Sven", "Tara",
      "Umar", "Vera", "Wei", "Ximena", "Yusuf", "Zoe");
  private static final List<String> LAST = List.of("Almeida", "Berg", "Chen", "Dubois", "Eriksen", "Fischer",
      "Garcia", "Haddad", "Ivanova", "Jensen", "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Patel",
      "Rossi", "Schmidt", "Tanaka", "Weber");
  private static final String DOMAIN = "example.com";

  private final String orgId;
  private final Random random;
  /** Person key → place in {@link #listing}. */
  private final Map<String, Integer> index = new HashMap<>();
  private final List<SimPerson> listing = new ArrayList<>();
  /** The Person JSON of the person at the same place, null until first asked for. */
  private final List<Buffer> json = new ArrayList<>();

  private SimulatedOrg(String orgId, Random random) {
    this.orgId = orgId;
    this.random = random;
  }

  /** {@code count} synthetic people in one org, the same for the same seed. */
  static SimulatedOrg generate(int count, long seed, Instant now) {
    Random random = new Random(seed);
    SimulatedOrg org = new SimulatedOrg(PersonIds.orgId("us", uuid(random)), random);
    Map<String, Integer> emails = new HashMap<>();
    for (int i = 0; i < count; i++) {
      org.put(org.synthetic(now, emails));
    }
    return org;
  }

  String orgId() {
    return orgId;
  }

  /** Everyone, in listing order (a copy). */
  List<SimPerson> list() {
    return new ArrayList<>(listing);
  }

  int size() {
    return listing.size();
  }

  /** The Person JSON ({@link SimPerson#toJson()}) of the person at {@code position} in the listing. */
  Buffer personJson(int position) {
    Buffer cached = json.get(position);
    if (cached == null) {
      cached = listing.get(position).toJson().toBuffer();
      json.set(position, cached);
    }
    return cached;
  }

  Optional<SimPerson> get(String id) {
    Integer at = index.get(PersonIds.key(id));
    return at == null ? Optional.empty() : Optional.of(listing.get(at));
  }

  void put(SimPerson person) {
    String key = PersonIds.key(person.id());
    Integer at = index.get(key);
    if (at == null) {
      index.put(key, listing.size());
      listing.add(person);
      json.add(null);
    } else {
      listing.set(at, person);
      json.set(at, null);
    }
  }

  boolean remove(String id) {
    Integer at = index.remove(PersonIds.key(id));
    if (at == null) {
      return false;
    }
    listing.remove((int) at);
    json.remove((int) at);
    for (int i = at; i < listing.size(); i++) {
      index.put(PersonIds.key(listing.get(i).id()), i);
    }
    return true;
  }

  /** Moves one random person (with status sharing on) to a plausible next status; empty if nobody can move. */
  Optional<SimPerson> changeSomebody(Instant now) {
    List<SimPerson> sharing = listing.stream().filter(p -> p.status() != null).toList();
    if (sharing.isEmpty()) {
      return Optional.empty();
    }
    SimPerson chosen = sharing.get(random.nextInt(sharing.size()));
    SimPerson moved = chosen.withPresence(PresenceMoves.next(chosen.status(), random), Timestamps.format(now));
    put(moved);
    return Optional.of(moved);
  }

  private SimPerson synthetic(Instant now, Map<String, Integer> emails) {
    String first = FIRST.get(random.nextInt(FIRST.size()));
    String last = LAST.get(random.nextInt(LAST.size()));
    String email = uniqueEmail(first, last, emails);
    Instant created = now.minus(Duration.ofDays(30 + random.nextInt(1500))).minusMillis(random.nextInt(86_400_000));
    Instant modified = created.plus(Duration.ofDays(random.nextInt(30))).plusMillis(random.nextInt(86_400_000));
    // about one person in twelve has status sharing disabled: Webex then sends no status at all
    boolean sharing = random.nextInt(12) != 0;
    String status = sharing ? PresenceMoves.initial(random) : null;
    String lastActivity = Timestamps.format(now.minusMillis(random.nextInt(8 * 3_600_000)));
    return new SimPerson(PersonIds.personId("us", uuid(random)), List.of(email), first + " " + last, first, last,
        orgId, Timestamps.format(created), Timestamps.format(modified), status, lastActivity);
  }

  /**
   * first.last@, then first.last2@, first.last3@ … for the same name: counted per name rather than
   * tried one after another (names hold no digits, so no two names can make the same address).
   */
  private static String uniqueEmail(String first, String last, Map<String, Integer> taken) {
    String base = (first + "." + last).toLowerCase(Locale.ROOT);
    int n = taken.merge(base, 1, Integer::sum);
    return (n == 1 ? base : base + n) + "@" + DOMAIN;
  }

  /** A version-4 style UUID drawn from the seeded Random (UUID.randomUUID would ignore the seed). */
  private static UUID uuid(Random random) {
    long msb = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
