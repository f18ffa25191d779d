package io.presencegateway.poll;

import io.presencegateway.event.PersonIds;
import io.presencegateway.event.PersonState;
import io.presencegateway.event.StatusMessages;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PresenceDiffTest {
  private static final String ORG = PersonIds.orgId("us", UUID.randomUUID());
  private static final String ANA = PersonIds.personId("us", UUID.randomUUID());
  private static final String BEN = PersonIds.personId("us", UUID.randomUUID());
  private static final String MODIFIED = "2025-06-05T13:24:42.790Z";

  private static ObservedPerson seen(String id, String status, String lastActivity) {
    return new ObservedPerson(id, status, null, lastActivity, MODIFIED, ORG, "Name", "n@example.com");
  }

  private static PersonState stored(String id, String status, String message, String lastActivity) {
    return new PersonState(id, status, message, lastActivity, MODIFIED, ORG, "Name", "n@example.com");
  }

  private static Map<String, PersonState> previous(PersonState... states) {
    Map<String, PersonState> map = new HashMap<>();
    for (PersonState s : states) {
      map.put(PersonIds.key(s.id()), s);
    }
    return map;
  }

  private static Observation complete(ObservedPerson... people) {
    return new Observation(List.of(people), Set.of(), true);
  }

  @Test
  void firstSightIsABaselineNotAChange() {
    var result = PresenceDiff.compute(Map.of(), complete(seen(ANA, "active", "t1"), seen(BEN, "call", "t1")), StatusMessages.NONE);
    assertThat(result.changes()).isEmpty();
    assertThat(result.baselines()).extracting(PersonState::id).containsExactly(ANA, BEN);
    assertThat(result.baselines().get(0).statusMessage()).isEmpty();
  }

  @Test
  void aNewStatusIsAChangeCarryingThePreviousState() {
    PersonState before = stored(ANA, "active", "", "t1");
    var result = PresenceDiff.compute(previous(before), complete(seen(ANA, "DoNotDisturb", "t2")), StatusMessages.NONE);
    assertThat(result.changes()).hasSize(1);
    assertThat(result.changes().get(0).previous()).isEqualTo(before);
    assertThat(result.changes().get(0).current().status()).isEqualTo("DoNotDisturb");
    assertThat(result.changes().get(0).current().lastActivity()).isEqualTo("t2");
    assertThat(result.baselines()).isEmpty();
    assertThat(result.refreshed()).isEmpty();
  }

  @Test
  void aNewStoredMessageForTheCurrentStatusIsAChange() {
    StatusMessages messages = new StatusMessages(Map.of(PersonIds.key(ANA), Map.of("active", "In the office")));
    var result = PresenceDiff.compute(previous(stored(ANA, "active", "", "t1")), complete(seen(ANA, "active", "t1")), messages);
    assertThat(result.changes()).hasSize(1);
    assertThat(result.changes().get(0).current().statusMessage()).isEqualTo("In the office");
  }

  @Test
  void aMessageStoredForAnotherStatusChangesNothing() {
    StatusMessages messages = new StatusMessages(Map.of(PersonIds.key(ANA), Map.of("OutOfOffice", "Away")));
    var result = PresenceDiff.compute(previous(stored(ANA, "active", "", "t1")), complete(seen(ANA, "active", "t1")), messages);
    assertThat(result.isEmpty()).isTrue();
  }

  @Test
  void anUpstreamStatusMessageWinsOverTheStoredOne() {
    StatusMessages messages = new StatusMessages(Map.of(PersonIds.key(ANA), Map.of("active", "stored")));
    ObservedPerson withMessage = new ObservedPerson(ANA, "active", "from upstream", "t1", MODIFIED, ORG, null, null);
    var result = PresenceDiff.compute(Map.of(), complete(withMessage), messages);
    assertThat(result.baselines().get(0).statusMessage()).isEqualTo("from upstream");
  }

  @Test
  void aLastActivityOnlyChangeIsARefreshNotAnEvent() {
    var result = PresenceDiff.compute(previous(stored(ANA, "active", "", "t1")), complete(seen(ANA, "active", "t2")), StatusMessages.NONE);
    assertThat(result.changes()).isEmpty();
    assertThat(result.refreshed()).extracting(PersonState::lastActivity).containsExactly("t2");
  }

  /** Each field the store keeps, changed alone, is a refresh; a name or e-mail the upstream left out is kept. */
  @Test
  void everyKeptFieldIsARefreshAndAMissingNameOrEmailIsKept() {
    PersonState before = stored(ANA, "active", "", "t1");
    Map<String, ObservedPerson> variants = new java.util.LinkedHashMap<>();
    variants.put("id", new ObservedPerson(padded(ANA), "active", null, "t1", MODIFIED, ORG, "Name", "n@example.com"));
    variants.put("lastModified", new ObservedPerson(ANA, "active", null, "t1", "m2", ORG, "Name", "n@example.com"));
    variants.put("lastModified gone", new ObservedPerson(ANA, "active", null, "t1", null, ORG, "Name", "n@example.com"));
    variants.put("orgId", new ObservedPerson(ANA, "active", null, "t1", MODIFIED, "other", "Name", "n@example.com"));
    variants.put("displayName", new ObservedPerson(ANA, "active", null, "t1", MODIFIED, ORG, "Other", "n@example.com"));
    variants.put("email", new ObservedPerson(ANA, "active", null, "t1", MODIFIED, ORG, "Name", "o@example.com"));
    variants.forEach((field, person) -> {
      var result = PresenceDiff.compute(previous(before), complete(person), StatusMessages.NONE);
      assertThat(result.changes()).as(field).isEmpty();
      assertThat(result.refreshed()).as(field).singleElement().isNotEqualTo(before);
    });
    ObservedPerson nameless = new ObservedPerson(ANA, "active", null, "t1", MODIFIED, ORG, null, null);
    assertThat(PresenceDiff.compute(previous(before), complete(nameless), StatusMessages.NONE).isEmpty()).isTrue();
    ObservedPerson sameMessage = new ObservedPerson(ANA, "active", "", "t1", MODIFIED, ORG, "Name", "n@example.com");
    assertThat(PresenceDiff.compute(previous(before), complete(sameMessage), StatusMessages.NONE).isEmpty()).isTrue();
    ObservedPerson otherMessage = new ObservedPerson(ANA, "active", "Busy", "t1", MODIFIED, ORG, "Name", "n@example.com");
    assertThat(PresenceDiff.compute(previous(before), complete(otherMessage), StatusMessages.NONE).changes()).hasSize(1);
  }

  @Test
  void nothingNewIsAnEmptyResult() {
    var result = PresenceDiff.compute(previous(stored(ANA, "active", "", "t1")), complete(seen(ANA, "active", "t1")), StatusMessages.NONE);
    assertThat(result.isEmpty()).isTrue();
  }

  @Test
  void anUnrecognisedStatusPassesThroughUnchanged() {
    var result = PresenceDiff.compute(previous(stored(ANA, "active", "", "t1")), complete(seen(ANA, "FocusTime", "t1")), StatusMessages.NONE);
    assertThat(result.changes()).extracting(c -> c.current().status()).containsExactly("FocusTime");
  }

  @Test
  void noStatusIsNoDataNeitherChangeNorRemoval() {
    var result = PresenceDiff.compute(previous(stored(ANA, "active", "", "t1")), complete(seen(ANA, null, "t2"), seen(BEN, null, "t2")),
        StatusMessages.NONE);
    assertThat(result.isEmpty()).isTrue();
  }

  @Test
  void someoneMissingFromACompleteListingIsRemovedOnce() {
    Map<String, PersonState> before = previous(stored(ANA, "active", "", "t1"), stored(BEN, "call", "", "t1"));
    var result = PresenceDiff.compute(before, complete(seen(ANA, "active", "t1")), StatusMessages.NONE);
    assertThat(result.removed()).containsExactly(PersonIds.key(BEN));
    assertThat(result.changes()).isEmpty();
    // next cycle, with Ben dropped from the store: nothing at all
    before.remove(PersonIds.key(BEN));
    assertThat(PresenceDiff.compute(before, complete(seen(ANA, "active", "t1")), StatusMessages.NONE).isEmpty()).isTrue();
  }

  @Test
  void goneFromAPerPersonReadIsRemovedEvenWhenIncomplete() {
    Map<String, PersonState> before = previous(stored(ANA, "active", "", "t1"), stored(BEN, "call", "", "t1"));
    var result = PresenceDiff.compute(before, new Observation(List.of(), Set.of(BEN), false), StatusMessages.NONE);
    assertThat(result.removed()).containsExactly(PersonIds.key(BEN));
  }

  @Test
  void aPartialFailureNeverWipesOrFlipsOthers() {
    Map<String, PersonState> before = previous(stored(ANA, "active", "", "t1"), stored(BEN, "call", "", "t1"));
    var result = PresenceDiff.compute(before, new Observation(List.of(seen(ANA, "active", "t1")), Set.of(), false), StatusMessages.NONE);
    assertThat(result.isEmpty()).isTrue();
  }

  @Test
  void aDuplicateInTheListingCountsOnceAndIsNotRemoved() {
    String padded = padded(ANA);
    assertThat(padded).isNotEqualTo(ANA);
    Map<String, PersonState> before = previous(stored(ANA, "active", "", "t1"));
    var result = PresenceDiff.compute(before, complete(seen(ANA, "call", "t2"), seen(padded, "meeting", "t3")), StatusMessages.NONE);
    assertThat(result.changes()).hasSize(1);
    assertThat(result.changes().get(0).current().status()).isEqualTo("call");
    assertThat(result.removed()).isEmpty();
  }

  /** Built page by page while the listing is read, the diff is the diff of the whole listing. */
  @Test
  void aDiffBuiltPageByPageIsTheDiffOfTheWhole() {
    String cleo = PersonIds.personId("us", UUID.randomUUID());
    String dan = PersonIds.personId("us", UUID.randomUUID());
    Map<String, PersonState> before = previous(stored(ANA, "active", "", "t1"), stored(BEN, "call", "", "t1"),
        stored(dan, "meeting", "", "t1"));
    StatusMessages messages = new StatusMessages(Map.of(PersonIds.key(BEN), Map.of("call", "On the phone")));
    List<ObservedPerson> page1 = List.of(seen(ANA, "DoNotDisturb", "t2"), seen(cleo, "active", "t1"));
    List<ObservedPerson> page2 = List.of(seen(padded(ANA), "call", "t3"), seen(BEN, "call", "t1"), seen(cleo, null, "t4"));
    List<ObservedPerson> all = new java.util.ArrayList<>(page1);
    all.addAll(page2);
    for (boolean complete : List.of(true, false)) {
      PresenceDiff.Running running = PresenceDiff.start(before, messages);
      running.add(page1);
      running.add(List.of());
      running.add(page2);
      assertThat(running.finish(Set.of(), complete)).as("complete " + complete)
          .isEqualTo(PresenceDiff.compute(before, new Observation(all, Set.of(), complete), messages));
    }
    PresenceDiff.Running running = PresenceDiff.start(before, messages);
    running.add(page1);
    running.add(page2);
    var result = running.finish(Set.of(), true);
    assertThat(result.changes()).extracting(c -> c.current().status(), c -> c.current().statusMessage())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("DoNotDisturb", ""), org.assertj.core.groups.Tuple.tuple("call", "On the phone"));
    assertThat(result.baselines()).extracting(PersonState::id).containsExactly(cleo);
    assertThat(result.removed()).containsExactly(PersonIds.key(dan));
  }

  /** The same person id in another accepted encoding (padded base64). */
  private static String padded(String id) {
    String decoded = new String(Base64.getDecoder().decode(id), StandardCharsets.US_ASCII);
    String again = Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.US_ASCII));
    return again;
  }
}
