package io.presencegateway.poll;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.event.PersonIds;
import io.presencegateway.simulator.SimulatorControl;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The org listing against the simulator: 20 people in pages of 4 = 5 pages. */
@ExtendWith(VertxExtension.class)
class WebexPagingTest {
  private static final GatewayConfig.Watch ORG = GatewayConfig.Watch.wholeOrg();

  @Test
  void aFivePageOrgIsListedCompletely(Vertx vertx, VertxTestContext ctx) {
    SimulatorControl.start(vertx, 20, 3).compose(sim -> new WebexClient(vertx, sim.webex(ORG, 4, 2000)).observe(ORG)
            .compose(observation -> sim.people().compose(people -> sim.requests().map(log -> {
              ctx.verify(() -> {
                assertThat(observation.complete()).isTrue();
                assertThat(observation.people()).extracting(ObservedPerson::id)
                    .containsExactlyElementsOf(people.stream().map(p -> ((JsonObject) p).getString("id")).toList());
                assertThat(log.size()).isEqualTo(5);
              });
              return log;
            }))))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void a504OnAPageIsAskedAgainWithSmallerPages(Vertx vertx, VertxTestContext ctx) {
    SimulatorControl.start(vertx, 20, 3).compose(sim -> sim.fault(new JsonObject().put("status", 504).put("skip", 2)
                .put("pathPrefix", "/v1/people"))
            .compose(x -> new WebexClient(vertx, sim.webex(ORG, 4, 2000)).observe(ORG))
            .compose(observation -> sim.requests().map(log -> {
              ctx.verify(() -> {
                assertThat(observation.complete()).isTrue();
                assertThat(observation.people().stream().map(p -> PersonIds.key(p.id())).collect(Collectors.toSet())).hasSize(20);
                List<String> paths = log.stream().map(o -> ((JsonObject) o).getString("path")).toList();
                assertThat(((JsonObject) log.getValue(2)).getInteger("status")).isEqualTo(504);
                assertThat(paths.get(3)).as("the failed page again, half the size").contains("max=2")
                    .contains(cursorOf(paths.get(2)));
                assertThat(paths.subList(4, paths.size())).allMatch(p -> p.contains("max=2"));
                assertThat(paths).as("2 pages of 4, the 504, then 12 people in pages of 2").hasSize(2 + 1 + 6);
              });
              return log;
            })))
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void smallerHalvesMaxAndStopsAtOne() {
    assertThat(WebexClient.smaller(URI.create("http://h:1/v1/people?max=1000&cursor=abc")).toString())
        .isEqualTo("http://h:1/v1/people?max=500&cursor=abc");
    assertThat(WebexClient.smaller(URI.create("http://h/v1/people?cursor=x&max=3")).toString()).isEqualTo("http://h/v1/people?cursor=x&max=1");
    assertThat(WebexClient.smaller(URI.create("http://h/v1/people?max=1"))).isNull();
  }

  private static String cursorOf(String path) {
    int at = path.indexOf("cursor=");
    return at < 0 ? "" : path.substring(at);
  }

}
