package io.presencegateway.poll;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.event.PersonIds;
import io.presencegateway.poll.UpstreamException.Kind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Predicate;
import java.util.concurrent.TimeoutException;

/**
 * Reads presence from the Webex People API (or anything speaking it, such as the simulator) with
 * the cheapest call pattern for the watch set: the paged org list for the whole org, per-person GETs
 * with bounded concurrency for an explicit list. Every request has a timeout; failures come back as
 * {@link UpstreamException}s, each logged once with Webex's TrackingID and never with the token.
 * Use from one event loop (the poller's): its counters are not synchronised.
 */
public final class WebexClient {
  private static final Logger LOG = LoggerFactory.getLogger(WebexClient.class);
  private static final int MAX_LOGGED_MESSAGE = 200;

  /** Explicit lists up to this size use per-person GETs when no threshold is configured. */
  static final int DEFAULT_PERSON_GET_MAX = 25;
  /** A page that times out at the gateway (504) is asked again with half the size, at most this often. */
  static final int MAX_PAGE_SHRINKS = 6;

  private final Vertx vertx;
  private final GatewayConfig.Webex config;
  private final WebClient client;
  private final String base;
  private final UpstreamGate gate;
  private final int personGetMax;
  private TokenSource tokens;

  /** A client with the fixed token of {@code config}, its own limiter and the default threshold. */
  public WebexClient(Vertx vertx, GatewayConfig.Webex config) {
    this(vertx, config, new UpstreamGate(config.concurrency()), DEFAULT_PERSON_GET_MAX);
    useTokens(TokenSource.fixed(config.token()));
  }

  /** Call {@link #useTokens} before the first observation. */
  private IntConsumer responses = status -> { };

  public WebexClient(Vertx vertx, GatewayConfig.Webex config, UpstreamGate gate, int personGetMax) {
    this.vertx = vertx;
    this.config = config;
    this.gate = gate;
    this.personGetMax = personGetMax;
    this.client = WebClient.create(vertx,
        new WebClientOptions().setUserAgent("presence-gateway").setFollowRedirects(false),
        new PoolOptions().setHttp1MaxSize(Math.max(5, config.concurrency())));
    String url = config.baseUrl().toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Told the status code of every upstream answer, 0 for no answer (metrics). */
  public void onResponse(IntConsumer observer) {
    this.responses = observer;
  }

  public void useTokens(TokenSource source) {
    this.tokens = source;
  }

  /** The HTTP client, shared with the token refresh so that both use one pool. */
  public WebClient http() {
    return client;
  }

  /**
   * One cycle's read of the watch set, with the cheapest call pattern: the paged org list for the
   * whole org and for explicit lists longer than {@code WEBEX_PERSON_GET_MAX} (filtered here), per-person
   * GETs for shorter lists. Fails with an {@link UpstreamException} when it cannot be trusted.
   */
  public Future<Observation> observe(GatewayConfig.Watch watch) {
    List<ObservedPerson> people = new ArrayList<>(); // filled one batch at a time, each after the last
    return read(watch, people::addAll).map(read -> new Observation(people, read.gone(), read.complete()));
  }

  /**
   * What a read handed to its sink besides the people: how many there were, who is gone (404 on a
   * per-person GET) and whether the read was complete (see {@link Observation}).
   */
  public record Summary(int people, Set<String> gone, boolean complete) { }

  /**
   * The same read, handing the people to {@code sink} batch by batch as they are read (a page of
   * the org list; all of them at once after per-person GETs): in listing order, on a worker thread,
   * one batch at a time, all before the returned future completes. So the caller can work on the
   * first pages while the next are still on their way, and a large org is never held in memory
   * whole. A sink that throws fails the read.
   */
  public Future<Summary> read(GatewayConfig.Watch watch, Consumer<List<ObservedPerson>> sink) {
    if (watch.org()) {
      return new OrgListing(null, sink).run(firstPage());
    }
    if (watch.ids().size() > personGetMax) {
      Set<String> keys = new HashSet<>();
      watch.ids().forEach(id -> keys.add(PersonIds.key(id)));
      return new OrgListing(p -> keys.contains(p.key()), sink).run(firstPage());
    }
    Context context = vertx.getOrCreateContext();
    return new PersonFanOut(watch.ids()).run().compose(o -> context.executeBlocking(() -> {
      sink.accept(o.people());
      return new Summary(o.people().size(), o.gone(), o.complete());
    }, false));
  }

  private URI firstPage() {
    return URI.create(base + "/people?max=" + config.pageSize());
  }

  /** Requests sent so far (the poller logs the difference per cycle). */
  public long requestCount() {
    return gate.calls();
  }

  public void close() {
    tokens.close();
    client.close();
  }

  /**
   * GET through the limiter with the current token; on a 401 the token source gets one chance to
   * supply a fresh token and the same GET is replayed once. An answer of any status succeeds, no
   * answer fails typed.
   */
  private Future<HttpResponse<Buffer>> get(URI url) {
    return tokens.token().compose(token -> send(url, token).compose(response -> response.statusCode() != 401
        ? Future.succeededFuture(response)
        : tokens.afterRejection(token).transform(fresh -> fresh.succeeded() ? send(url, fresh.result())
            : keepRejection(fresh.cause(), response))));
  }

  /** The refresh failed: a revoked source says so, anything else leaves the original 401 to report. */
  private static Future<HttpResponse<Buffer>> keepRejection(Throwable refreshFailure, HttpResponse<Buffer> response) {
    if (refreshFailure instanceof UpstreamException u && u.kind() != Kind.UNAUTHORIZED) {
      return Future.failedFuture(u);
    }
    return Future.succeededFuture(response);
  }

  private Future<HttpResponse<Buffer>> send(URI url, String token) {
    return gate.call(() -> client.getAbs(url.toString())
        .putHeader("Authorization", "Bearer " + token)
        .putHeader("Accept", "application/json")
        .timeout(config.timeoutMs())
        .send()
        .onComplete(ar -> responses.accept(ar.succeeded() ? ar.result().statusCode() : 0))
        .recover(e -> Future.failedFuture(transportFailure(url, e))));
  }

  private UpstreamException transportFailure(URI url, Throwable e) {
    boolean timeout = e instanceof TimeoutException;
    String reason = timeout ? "no answer within " + config.timeoutMs() + " ms" : String.valueOf(e.getMessage());
    LOG.warn("Webex GET {} failed: {}", url.getPath(), reason);
    return UpstreamException.of(timeout ? Kind.TIMEOUT : Kind.NETWORK, "GET " + url.getPath() + ": " + reason);
  }

  /** A non-2xx answer as a typed failure, logged with its TrackingID. */
  private UpstreamException failure(URI url, HttpResponse<Buffer> response) {
    int status = response.statusCode();
    String trackingId = response.getHeader("TrackingID");
    String message = errorMessage(response);
    if (status == 401) {
      LOG.error("Webex rejected the token (HTTP 401: invalid or expired) on GET {}: {}; polling pauses until a valid token works. TrackingID {}",
          url.getPath(), message, trackingId);
      return new UpstreamException(Kind.UNAUTHORIZED, "unauthorized: the Webex token is invalid or expired", status, null, trackingId);
    }
    if (status == 429 || status == 423 || status == 503) {
      var wait = RetryAfter.parse(response.getHeader("Retry-After"), config.retryAfterDefault(), config.retryAfterMax(), Instant.now());
      LOG.warn("Webex throttled GET {} (HTTP {}: {}); no call for {} s. TrackingID {}", url.getPath(), status, message,
          wait.toSeconds(), trackingId);
      return new UpstreamException(Kind.THROTTLED, "throttled (HTTP " + status + "), retry after " + wait.toSeconds() + " s",
          status, wait, trackingId);
    }
    LOG.warn("Webex GET {} answered HTTP {}: {}. TrackingID {}", url.getPath(), status, message, trackingId);
    return new UpstreamException(status >= 500 ? Kind.SERVER_ERROR : Kind.REJECTED,
        "HTTP " + status + " on GET " + url.getPath() + ": " + message, status, null, trackingId);
  }

  private UpstreamException badResponse(URI url, HttpResponse<Buffer> response, String why) {
    String trackingId = response == null ? null : response.getHeader("TrackingID");
    LOG.warn("Webex GET {}: {}. TrackingID {}", url.getPath(), why, trackingId);
    return new UpstreamException(Kind.BAD_RESPONSE, "GET " + url.getPath() + ": " + why,
        response == null ? 0 : response.statusCode(), null, trackingId);
  }

  /** Webex's error {@code message}, shortened; the raw body is never trusted to be small or JSON. */
  private static String errorMessage(HttpResponse<Buffer> response) {
    try {
      JsonObject body = response.bodyAsJsonObject();
      String message = body == null ? null : body.getString("message");
      if (message != null) {
        return message.length() > MAX_LOGGED_MESSAGE ? message.substring(0, MAX_LOGGED_MESSAGE) + "…" : message;
      }
    } catch (DecodeException | ClassCastException e) {
      // not a Webex error body: the status says enough
    }
    return "no message";
  }

  /**
   * One walk through the org list: follows rel="next", refuses loops, foreign hosts and endless
   * paging. Pages are requested one after another, but the next page is asked for as soon as a
   * page's answer (and so its Link) is in, while that page is read on a worker thread: the upstream
   * prepares page k+1 while the gateway reads page k, and the event loop never parses. At most one
   * page is ever in flight and at most one waits to be read. Any failure fails the whole walk, once
   * the page asked for ahead (if any) has been answered, so that no request outlives its cycle.
   */
  private final class OrgListing {
    /** A 200 answer to a list request, and the URL it answered (smaller than asked after a 504). */
    private record Answered(URI url, HttpResponse<Buffer> response) { }

    private final Context context = vertx.getOrCreateContext();
    private final Set<String> visited = new HashSet<>();
    /** Who of a page is kept (an explicit watch list read through the org list), null for everyone. */
    private final Predicate<ObservedPerson> keep;
    private final Consumer<List<ObservedPerson>> sink;
    private int shrinks;
    private int people;

    OrgListing(Predicate<ObservedPerson> keep, Consumer<List<ObservedPerson>> sink) {
      this.keep = keep;
      this.sink = sink;
    }

    Future<Summary> run(URI first) {
      return walk(fetch(first));
    }

    /** Reads the page at hand while the next one is fetched; then the next. */
    private Future<Summary> walk(Future<Answered> current) {
      return current.compose(page -> {
        URI next;
        try {
          next = following(page);
        } catch (UpstreamException e) {
          return Future.failedFuture(e);
        }
        Future<Answered> ahead = next == null ? null : fetch(next);
        return read(page).transform(read -> {
          if (read.failed()) {
            return ahead == null ? Future.failedFuture(read.cause())
                : ahead.transform(ignored -> Future.failedFuture(read.cause()));
          }
          people += read.result();
          return ahead == null ? Future.succeededFuture(new Summary(people, Set.of(), true)) : walk(ahead);
        });
      });
    }

    /** GET one page; a 504 asks again for a smaller one; any answer but 200 fails. */
    private Future<Answered> fetch(URI url) {
      if (visited.size() >= config.maxPages()) {
        return Future.failedFuture(badResponse(url, null, "more than " + config.maxPages()
            + " pages (WEBEX_MAX_PAGES): the listing is not trusted"));
      }
      visited.add(url.toString());
      return get(url).compose(response -> {
        if (response.statusCode() == 504 && shrinks < MAX_PAGE_SHRINKS && smaller(url) != null) {
          shrinks++;
          URI retry = smaller(url);
          LOG.info("Webex answered 504 on GET {}; asking again for a smaller page ({}). TrackingID {}", url.getPath(),
              retry.getRawQuery().replaceAll(".*(max=\\d+).*", "$1"), response.getHeader("TrackingID"));
          return fetch(retry);
        }
        if (response.statusCode() != 200) {
          return Future.failedFuture(failure(url, response));
        }
        return Future.succeededFuture(new Answered(url, response));
      });
    }

    /**
     * The page's people, parsed and handed to the sink on a worker thread (a 1,000-person page is
     * too much for the event loop).
     */
    private Future<Integer> read(Answered page) {
      return context.executeBlocking(() -> {
        PersonParser.Page all = PersonParser.page(page.response().body());
        List<ObservedPerson> kept = keep == null ? all.people() : all.people().stream().filter(keep).toList();
        sink.accept(kept);
        return new PersonParser.Page(kept, all.skipped());
      }, false).transform(ar -> {
        if (ar.failed()) {
          return Future.failedFuture(ar.cause() instanceof PersonParser.UnreadableBody unreadable
              ? badResponse(page.url(), page.response(), unreadable.getMessage()) : ar.cause());
        }
        if (ar.result().skipped() > 0) {
          LOG.warn("Webex GET {}: skipped {} Person(s) without id. TrackingID {}", page.url().getPath(),
              ar.result().skipped(), page.response().getHeader("TrackingID"));
        }
        return Future.succeededFuture(ar.result().people().size());
      });
    }

    /** The next page to ask for, null after the last; an untrustworthy link throws. */
    private URI following(Answered page) {
      URI url = page.url();
      HttpResponse<Buffer> response = page.response();
      String link = LinkHeader.next(response.headers().getAll("Link"));
      if (link == null) {
        return null;
      }
      URI next;
      try {
        next = url.resolve(link);
      } catch (IllegalArgumentException e) {
        throw badResponse(url, response, "malformed next link");
      }
      if (!sameOrigin(next, url)) {
        // following it would hand our bearer token to another host
        throw badResponse(url, response, "next link points to another host: " + next.getHost());
      }
      if (visited.contains(next.toString())) {
        throw badResponse(url, response, "paging loop: the next link repeats an earlier page");
      }
      return next;
    }
  }

  /** The same page with half its {@code max} (a 504 on a list = ask for smaller pages), or null when it is 1. */
  static URI smaller(URI url) {
    String query = url.getRawQuery() == null ? "" : url.getRawQuery();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(^|&)max=(\\d+)").matcher(query);
    if (!m.find()) {
      return URI.create(url + (query.isEmpty() ? "?" : "&") + "max=50");
    }
    long max = Long.parseLong(m.group(2));
    if (max <= 1) {
      return null;
    }
    String newQuery = query.substring(0, m.start(2)) + Math.max(1, max / 2) + query.substring(m.end(2));
    return URI.create(url.getScheme() + "://" + url.getRawAuthority() + url.getRawPath() + "?" + newQuery);
  }

  private static boolean sameOrigin(URI a, URI b) {
    return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost())
        && a.getPort() == b.getPort();
  }

  /**
   * Per-person GETs, at most {@code concurrency} in flight. 404 = gone; a failure of one person keeps
   * the others (the observation is then incomplete); throttling or a bad token stops the fan-out and
   * fails the cycle, as does a cycle in which every person failed.
   */
  private final class PersonFanOut {
    private final List<String> ids;
    private final List<ObservedPerson> people = new ArrayList<>();
    private final Set<String> gone = new HashSet<>();
    private final List<UpstreamException> errors = new ArrayList<>();
    private int next;
    private UpstreamException fatal;

    PersonFanOut(List<String> ids) {
      this.ids = ids;
    }

    Future<Observation> run() {
      List<Future<Void>> workers = new ArrayList<>();
      for (int i = 0; i < Math.min(config.concurrency(), ids.size()); i++) {
        workers.add(work());
      }
      return Future.join(workers).transform(ignored -> outcome());
    }

    /** Takes ids one after another until none are left or the cycle must stop. */
    private Future<Void> work() {
      if (next >= ids.size() || fatal != null) {
        return Future.succeededFuture();
      }
      String id = ids.get(next++);
      return fetch(id).compose(v -> work());
    }

    private Future<Void> fetch(String id) {
      // ids are base64 and may hold '/', '+' or '=': one encoded path segment
      URI url = URI.create(base + "/people/" + URLEncoder.encode(id, StandardCharsets.UTF_8));
      return get(url).<Void>map(response -> {
        if (response.statusCode() == 404) {
          gone.add(id);
        } else if (response.statusCode() != 200) {
          throw failure(url, response);
        } else {
          keep(url, response);
        }
        return null;
      }).recover(this::note);
    }

    private void keep(URI url, HttpResponse<Buffer> response) {
      ObservedPerson person;
      try {
        person = PersonParser.one(response.body());
      } catch (PersonParser.UnreadableBody e) {
        throw badResponse(url, response, e.getMessage());
      }
      if (person == null) {
        throw badResponse(url, response, "a Person without id");
      }
      people.add(person);
    }

    private Future<Void> note(Throwable e) {
      UpstreamException error = e instanceof UpstreamException u ? u : UpstreamException.of(Kind.BAD_RESPONSE, String.valueOf(e));
      errors.add(error);
      if (error.kind() == Kind.THROTTLED || error.kind() == Kind.UNAUTHORIZED || error.kind() == Kind.TOKEN_REVOKED) {
        fatal = error;
      }
      return Future.succeededFuture();
    }

    private Future<Observation> outcome() {
      if (fatal != null) {
        return Future.failedFuture(fatal);
      }
      if (!errors.isEmpty() && people.isEmpty() && gone.isEmpty()) {
        return Future.failedFuture(errors.get(0));
      }
      return Future.succeededFuture(new Observation(people, gone, errors.isEmpty()));
    }
  }
}
