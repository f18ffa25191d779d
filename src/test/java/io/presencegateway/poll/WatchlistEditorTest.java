package io.presencegateway.poll;

import io.presencegateway.config.GatewayConfig.Watch;
import io.presencegateway.event.PersonIds;
import io.presencegateway.store.WatchlistStore;
import io.presencegateway.store.memory.MemoryWatchlistStore;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static io.presencegateway.testsupport.Await.failure;
import static io.presencegateway.testsupport.Await.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WatchlistEditorTest {
  private static final UUID ANA_UUID = UUID.randomUUID();
  private static final String ANA = PersonIds.personId("us", ANA_UUID);
  private static final String BEN = PersonIds.personId("us", UUID.randomUUID());

  private final MemoryWatchlistStore store = new MemoryWatchlistStore();
  private final WatchlistEditor editor = new WatchlistEditor(store, new Watch(false, List.of(BEN)), 3);

  private static String padded(UUID uuid) {
    return Base64.getEncoder().encodeToString(("ciscospark://us/PEOPLE/" + uuid).getBytes(StandardCharsets.US_ASCII));
  }

  private static String urlSafe(UUID uuid) {
    return Base64.getUrlEncoder().encodeToString(("ciscospark://us/PEOPLE/" + uuid).getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void theConfiguredListIsTheStartingValue() {
    assertThat(result(editor.current()).ids()).containsExactly(BEN);
    assertThat(result(store.watch())).isPresent();
  }

  @Test
  void threeEncodingsOfOnePersonAreOneEntryKeptAsFirstGiven() {
    assertThat(padded(ANA_UUID)).isNotEqualTo(ANA);
    Watch watch = result(editor.replace(new Watch(false, List.of(ANA, padded(ANA_UUID), ANA_UUID.toString()))));
    assertThat(watch.ids()).containsExactly(ANA);
    Watch added = result(editor.add(List.of(urlSafe(ANA_UUID), BEN)));
    assertThat(added.ids()).containsExactly(ANA, BEN);
    assertThat(result(editor.remove(ANA_UUID.toString().toUpperCase()))).isTrue();
    assertThat(result(editor.current()).ids()).containsExactly(BEN);
    assertThat(result(editor.remove(ANA))).isFalse();
  }

  @Test
  void malformedIdsAreRefusedByName() {
    assertThatThrownBy(() -> editor.replace(new Watch(false, List.of(ANA, "not-an-id", "Y2lzY29zcGFyazovL3VzL1JPT00vYWJj"))))
        .isInstanceOf(WatchlistEditor.Refused.class).hasMessageContaining("not-an-id")
        .hasMessageContaining("Y2lzY29zcGFyazovL3VzL1JPT00vYWJj").hasMessageNotContaining(ANA);
    assertThat(result(editor.current()).ids()).containsExactly(BEN);
  }

  @Test
  void theCapHolds() {
    List<String> four = List.of(ANA, BEN, PersonIds.personId("us", UUID.randomUUID()), PersonIds.personId("us", UUID.randomUUID()));
    assertThatThrownBy(() -> editor.replace(new Watch(false, four))).isInstanceOf(WatchlistEditor.Refused.class)
        .hasMessageContaining("more than 3");
  }

  /** A store on which every compare-and-set loses (other instances keep writing): a retryable conflict, not an error. */
  @Test
  void anEditThatKeepsLosingToOthersIsARetryableConflict() {
    WatchlistStore busy = new WatchlistStore() {
      @Override
      public Future<Optional<Watch>> watch() {
        return Future.succeededFuture(Optional.of(new Watch(false, List.of(BEN))));
      }

      @Override
      public Future<Boolean> compareAndSet(Optional<Watch> expected, Watch next) {
        return Future.succeededFuture(false);
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    };
    Throwable lost = failure(new WatchlistEditor(busy, Watch.wholeOrg(), 3).add(List.of(ANA)));
    assertThat(lost).isInstanceOf(WatchlistEditor.Refused.class).hasMessageContaining("send it again");
    assertThat(((WatchlistEditor.Refused) lost).conflict()).isTrue();
    assertThat(((WatchlistEditor.Refused) lost).retryable()).isTrue();
  }

  @Test
  void orgModeRefusesPerPersonEditsAsAConflict() {
    result(editor.replace(Watch.wholeOrg()));
    Throwable add = failure(editor.add(List.of(ANA)));
    assertThat(add).isInstanceOf(WatchlistEditor.Refused.class);
    assertThat(((WatchlistEditor.Refused) add).conflict()).isTrue();
    assertThat(((WatchlistEditor.Refused) failure(editor.remove(ANA))).conflict()).isTrue();
  }
}
