package io.presencegateway.webhook;

import io.presencegateway.webhook.WebhookTestSupport.Backend;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.presencegateway.webhook.WebhookTestSupport.await;
import static io.presencegateway.webhook.WebhookTestSupport.config;
import static io.presencegateway.webhook.WebhookTestSupport.receiver;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/subscriptions?max=&cursor=}: more subscriptions than a page, walked page by page
 * (by {@code nextCursor} and by the {@code Link: rel="next"} header), each exactly once, oldest
 * first with the built-in static receiver ahead; bad paging parameters are a 400 JSON error. On both
 * stores (memory orders by creation time then id; Redis by its sorted index).
 */
@ExtendWith(VertxExtension.class)
class SubscriptionPagingTest {
  private static final int CREATED = 57; // + 1 static receiver = 58: more than the default page of 50
  private static final Pattern NEXT = Pattern.compile("^<(/v1/subscriptions\\?[^>]+)>; rel=\"next\"$");

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void everySubscriptionAppearsExactlyOnceAcrossThePages(Backend backend, Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    SubscriptionApiTest.Api api = SubscriptionApiTest.start(vertx,
        config(new JsonArray().add(receiver(rx.url(), WebhookSigner.generateSecret()))), WebhookTestSupport.stores(vertx, backend));
    List<String> created = new ArrayList<>();
    for (int i = 0; i < CREATED; i++) {
      var r = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", rx.url() + "/" + i).put("description", "n" + i));
      assertThat(r.statusCode()).isEqualTo(201);
      created.add(r.bodyAsJsonObject().getString("id"));
    }
    List<String> expected = new ArrayList<>();
    expected.add("static-0");
    expected.addAll(created); // created one after the other: creation order is the listing order

    // the whole listing in one page, as the reference
    var all = api.call("GET", "/v1/subscriptions?max=100", null);
    assertThat(ids(all)).containsExactlyElementsOf(expected);
    assertThat(all.bodyAsJsonObject().getValue("nextCursor")).isNull();
    assertThat(all.getHeader("Link")).isNull();

    // the default page is 50
    var first = api.call("GET", "/v1/subscriptions", null);
    assertThat(ids(first)).containsExactlyElementsOf(expected.subList(0, 50));
    assertThat(first.bodyAsJsonObject().getString("nextCursor")).isEqualTo(expected.get(49));

    for (int max : new int[] {1, 7, 29, 58}) {
      assertThat(walkByCursor(api, max)).as("walk by nextCursor, max=%d", max).containsExactlyElementsOf(expected);
      assertThat(walkByLink(api, max)).as("walk by Link header, max=%d", max).containsExactlyElementsOf(expected);
    }

    // a subscription created during a walk is listed once, at the end
    List<String> seen = new ArrayList<>();
    var page = api.call("GET", "/v1/subscriptions?max=10", null);
    seen.addAll(ids(page));
    String late = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", rx.url() + "/late"))
        .bodyAsJsonObject().getString("id");
    while (page.bodyAsJsonObject().getString("nextCursor") != null) {
      page = api.call("GET", "/v1/subscriptions?max=10&cursor=" + page.bodyAsJsonObject().getString("nextCursor"), null);
      seen.addAll(ids(page));
    }
    List<String> withLate = new ArrayList<>(expected);
    withLate.add(late);
    assertThat(seen).containsExactlyElementsOf(withLate);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Backend.class)
  void badPagingParametersAreA400JsonError(Backend backend, Vertx vertx) throws Exception {
    FakeReceiver rx = await(FakeReceiver.start(vertx));
    SubscriptionApiTest.Api api = SubscriptionApiTest.start(vertx, config(new JsonArray()), WebhookTestSupport.stores(vertx, backend));
    String id = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", rx.url())).bodyAsJsonObject().getString("id");
    String deleted = api.call("POST", "/v1/subscriptions", new JsonObject().put("targetUrl", rx.url())).bodyAsJsonObject().getString("id");
    assertThat(api.call("DELETE", "/v1/subscriptions/" + deleted, null).statusCode()).isEqualTo(204);

    List<String> bad = List.of("max=0", "max=101", "max=-1", "max=abc", "max=1.5", "max=", "max=99999999999",
        "cursor=sub_nope", "cursor=" + deleted, "cursor=" + "x".repeat(65), "cursor=" + enc("a b/../c"),
        "max=2&cursor=" + enc("static-0\"><script>"));
    for (String query : bad) {
      var r = api.call("GET", "/v1/subscriptions?" + query, null);
      assertThat(r.statusCode()).as(query).isEqualTo(400);
      assertThat(r.getHeader("Content-Type")).as(query).startsWith("application/json");
      JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
      assertThat(error).as(query).isNotNull();
      assertThat(error.getString("code")).as(query).isNotBlank();
      assertThat(error.getString("message")).as(query).isNotBlank().doesNotContain("<script>");
    }
    // the good ones around the edges still answer
    assertThat(ids(api.call("GET", "/v1/subscriptions?max=1", null))).containsExactly(id);
    assertThat(ids(api.call("GET", "/v1/subscriptions?max=100&cursor=" + id, null))).isEmpty();
  }

  private static List<String> walkByCursor(SubscriptionApiTest.Api api, int max) throws Exception {
    List<String> out = new ArrayList<>();
    Set<String> cursors = new HashSet<>();
    String cursor = null;
    for (int pages = 0; ; pages++) {
      assertThat(pages).as("pages for max=%d", max).isLessThanOrEqualTo(CREATED + 1);
      var r = api.call("GET", "/v1/subscriptions?max=" + max + (cursor == null ? "" : "&cursor=" + cursor), null);
      assertThat(r.statusCode()).isEqualTo(200);
      List<String> page = ids(r);
      assertThat(page).hasSizeLessThanOrEqualTo(max).isNotEmpty();
      out.addAll(page);
      cursor = r.bodyAsJsonObject().getString("nextCursor");
      if (cursor == null) {
        assertThat(r.getHeader("Link")).isNull();
        return out;
      }
      assertThat(page).hasSize(max); // only the last page is short
      assertThat(cursor).isEqualTo(page.get(page.size() - 1));
      assertThat(cursors.add(cursor)).as("cursor %s repeated", cursor).isTrue();
    }
  }

  private static List<String> walkByLink(SubscriptionApiTest.Api api, int max) throws Exception {
    List<String> out = new ArrayList<>();
    String next = "/v1/subscriptions?max=" + max;
    for (int pages = 0; next != null; pages++) {
      assertThat(pages).isLessThanOrEqualTo(CREATED + 1);
      var r = api.call("GET", next, null);
      assertThat(r.statusCode()).isEqualTo(200);
      out.addAll(ids(r));
      String link = r.getHeader("Link");
      if (link == null) {
        next = null;
      } else {
        Matcher m = NEXT.matcher(link);
        assertThat(m.matches()).as("Link header %s", link).isTrue();
        next = m.group(1);
      }
    }
    return out;
  }

  private static List<String> ids(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).isEqualTo(200);
    JsonArray items = r.bodyAsJsonObject().getJsonArray("items");
    List<String> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      assertThat(items.getJsonObject(i).containsKey("secret")).isFalse();
      out.add(items.getJsonObject(i).getString("id"));
    }
    return out;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
