package io.presencegateway.event;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class PersonIdsTest {
  private static final String SEED_ID = "Y2lzY29zcGFyazovL3VzL1BFT1BMRS9hODA4YmVmYS05MTM4LTQ2MWMtYjlhZi0zOTJjNzg0ZTBjMWE";

  @Test
  void sameUuidInEveryEncodingIsOnePerson() {
    String hydra = "ciscospark://us/PEOPLE/a808befa-9138-461c-b9af-392c784e0c1a";
    String padded = Base64.getEncoder().encodeToString(hydra.getBytes(StandardCharsets.US_ASCII));
    String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(hydra.getBytes(StandardCharsets.US_ASCII));
    assertThat(PersonIds.key(SEED_ID)).isEqualTo("a808befa-9138-461c-b9af-392c784e0c1a");
    assertThat(PersonIds.key(padded)).isEqualTo(PersonIds.key(SEED_ID));
    assertThat(PersonIds.key(urlSafe)).isEqualTo(PersonIds.key(SEED_ID));
    assertThat(PersonIds.key("A808BEFA-9138-461C-B9AF-392C784E0C1A")).isEqualTo(PersonIds.key(SEED_ID));
  }

  @Test
  void generatedIdsHaveWebexShape() {
    UUID uuid = UUID.fromString("a808befa-9138-461c-b9af-392c784e0c1a");
    assertThat(PersonIds.personId("us", uuid)).isEqualTo(SEED_ID);
  }

  @Test
  void orgIdsAndJunkAreNotPersonIds() {
    String org = "Y2lzY29zcGFyazovL3VzL09SR0FOSVpBVElPTi8xNzExMTdkNi04YjgyLTQ0Y2EtOThlOS1hYzExNTdmMmNkMWQ";
    assertThat(PersonIds.isValid(org)).isFalse();
    assertThat(PersonIds.isValid("hello")).isFalse();
    assertThat(PersonIds.isValid("")).isFalse();
    assertThat(PersonIds.isValid("x".repeat(10_000))).isFalse();
  }

  @Test
  void onlyTheExactHydraShapeIsAPerson() {
    String uuid = "a808befa-9138-461c-b9af-392c784e0c1a";
    assertThat(PersonIds.uuidOf(b64("ciscospark://eu-central-1/PEOPLE/" + uuid))).contains(uuid);
    assertThat(PersonIds.uuidOf(b64("ciscospark://us/PEOPLE/" + uuid.toUpperCase()))).contains(uuid);
    assertThat(PersonIds.uuidOf(b64("ciscospark:///PEOPLE/" + uuid))).isEmpty();          // no region
    assertThat(PersonIds.uuidOf(b64("ciscospark://US/PEOPLE/" + uuid))).isEmpty();        // region is lower case
    assertThat(PersonIds.uuidOf(b64("ciscospark://us/PEOPLE/" + uuid + "0"))).isEmpty();  // 37 characters
    assertThat(PersonIds.uuidOf(b64("ciscospark://us/PEOPLE/" + uuid.replace('a', 'g')))).isEmpty();
    assertThat(PersonIds.uuidOf(b64("ciscospark://us/ROOM/" + uuid))).isEmpty();
    assertThat(PersonIds.uuidOf(b64("https://us/PEOPLE/" + uuid))).isEmpty();
  }

  private static String b64(String s) {
    return Base64.getEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
  }
}
