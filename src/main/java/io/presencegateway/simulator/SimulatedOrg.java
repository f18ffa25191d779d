package io.presencegateway.simulator;

import io.presencegateway.event.PersonIds;
import io.presencegateway.event.Timestamps;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * The simulator's people, in a stable listing order, keyed by person UUID so that any encoding of
 * an id finds them. Owned by the simulator's event loop: not thread-safe by design.
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
  private final Map<String, SimPerson> people = new LinkedHashMap<>();

  private SimulatedOrg(String orgId, Random random) {
    this.orgId = orgId;
    this.random = random;
  }

  /** {@code count} synthetic people in one org, the same for the same seed. */
  static SimulatedOrg generate(int count, long seed, Instant now) {
    Random random = new Random(seed);
    SimulatedOrg org = new SimulatedOrg(PersonIds.orgId("us", uuid(random)), random);
    Set<String> emails = new HashSet<>();
    for (int i = 0; i < count; i++) {
      org.put(org.synthetic(now, emails));
    }
    return org;
  }

  String orgId() {
    return orgId;
  }

  List<SimPerson> list() {
    return new ArrayList<>(people.values());
  }

  Optional<SimPerson> get(String id) {
    return Optional.ofNullable(people.get(PersonIds.key(id)));
  }

  void put(SimPerson person) {
    people.put(PersonIds.key(person.id()), person);
  }

  boolean remove(String id) {
    return people.remove(PersonIds.key(id)) != null;
  }

  /** Moves one random person (with status sharing on) to a plausible next status; empty if nobody can move. */
  Optional<SimPerson> changeSomebody(Instant now) {
    List<SimPerson> sharing = people.values().stream().filter(p -> p.status() != null).toList();
    if (sharing.isEmpty()) {
      return Optional.empty();
    }
    SimPerson chosen = sharing.get(random.nextInt(sharing.size()));
    SimPerson moved = chosen.withPresence(PresenceMoves.next(chosen.status(), random), Timestamps.format(now));
    put(moved);
    return Optional.of(moved);
  }

  private SimPerson synthetic(Instant now, Set<String> emails) {
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

  private static String uniqueEmail(String first, String last, Set<String> taken) {
    String base = (first + "." + last).toLowerCase(Locale.ROOT);
    String email = base + "@" + DOMAIN;
    for (int n = 2; !taken.add(email); n++) {
      email = base + n + "@" + DOMAIN;
    }
    return email;
  }

  /** A version-4 style UUID drawn from the seeded Random (UUID.randomUUID would ignore the seed). */
  private static UUID uuid(Random random) {
    long msb = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
    long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }
}
