package io.presencegateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

import java.time.Instant;

/**
 * Makes the signed POSTs of one subscription. It owns its own HTTP client, so a receiver that hangs
 * fills only its own small connection pool. Each attempt resolves the target through the
 * {@link TargetGuard} and connects to the checked address; redirects are never followed; the
 * whole attempt (connect, headers) has one deadline; at most {@link #MAX_RESPONSE_BYTES} of the
 * answer are read, then the connection is dropped.
 */
final class WebhookSender {
  static final int MAX_RESPONSE_BYTES = 64 * 1024;
  static final String USER_AGENT = "PresenceGateway/" + version();

  private final Vertx vertx;
  private final TargetGuard guard;
  private final int timeoutMs;
  private final HttpClient client;

  WebhookSender(Vertx vertx, TargetGuard guard, int timeoutMs, int maxConnections) {
    this.vertx = vertx;
    this.guard = guard;
    this.timeoutMs = timeoutMs;
    this.client = vertx.createHttpClient(
        new HttpClientOptions().setConnectTimeout(timeoutMs).setMaxRedirects(0).setForceSni(true).setVerifyHost(true)
            .setKeepAlive(true).setKeepAliveTimeout(30).setMaxInitialLineLength(8192).setMaxHeaderSize(16 * 1024),
        new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(maxConnections * 4));
  }

  /**
   * One attempt: signs {@code body} for this moment with the receiver's current secrets and POSTs it
   * to its current URL. Never fails; the outcome says how it went.
   */
  Future<AttemptOutcome> send(Receiver receiver, String eventId, String orgId, Buffer body) {
    long started = System.nanoTime();
    return guard.resolve(vertx, receiver.url())
        .compose(resolved -> post(receiver, resolved, eventId, orgId, body, started))
        .recover(e -> Future.succeededFuture(AttemptOutcome.failed(describe(e), elapsedMs(started))));
  }

  private Future<AttemptOutcome> post(Receiver receiver, TargetGuard.Resolved resolved, String eventId, String orgId,
                                      Buffer body, long started) {
    long timestamp = Instant.now().getEpochSecond();
    RequestOptions options = requestOptions(receiver, resolved, eventId, orgId, timestamp, body);
    return new Attempt(started).run(options, body);
  }

  private RequestOptions requestOptions(Receiver receiver, TargetGuard.Resolved resolved, String eventId, String orgId, long timestamp, Buffer body) {
    WebhookTarget t = resolved.target();
    RequestOptions o = new RequestOptions()
        .setMethod(HttpMethod.POST)
        // connect to the address the guard checked; Host header and SNI stay the original name
        .setServer(SocketAddress.inetSocketAddress(t.port(), resolved.address().getHostAddress()))
        .setHost(t.host()).setPort(t.port()).setSsl(t.ssl()).setURI(t.requestUri())
        .setFollowRedirects(false).setConnectTimeout(timeoutMs)
        .putHeader("webhook-id", eventId)
        .putHeader("webhook-timestamp", Long.toString(timestamp))
        .putHeader("webhook-signature", receiver.signer().sign(eventId, timestamp, body.getBytes()))
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", USER_AGENT);
    if (orgId != null) {
      o.putHeader("x-org-id", orgId);
    }
    return o;
  }

  Future<Void> close() {
    return client.close();
  }

  /**
   * The state of one POST: the deadline, the request to drop when it passes, and the status once
   * it is known. A promise is needed here because three sources race to end it (deadline, end of
   * the answer, the 64 KiB cut).
   */
  private final class Attempt {
    private final long started;
    private final Promise<AttemptOutcome> result = Promise.promise();
    private HttpClientRequest request;
    private HttpClientResponse response;
    private long timer;
    private long bytes;
    private boolean ended;

    Attempt(long started) {
      this.started = started;
    }

    Future<AttemptOutcome> run(RequestOptions options, Buffer body) {
      timer = vertx.setTimer(timeoutMs, t -> onDeadline());
      client.request(options)
          .compose(req -> {
            request = req;
            if (result.future().isComplete()) { // the deadline passed while connecting
              req.reset();
              return Future.failedFuture("deadline passed before the request was sent");
            }
            return req.send(body);
          })
          .onSuccess(this::onResponse)
          .onFailure(e -> finish(AttemptOutcome.failed(describe(e), elapsedMs(started))));
      return result.future();
    }

    private void onResponse(HttpClientResponse resp) {
      response = resp;
      resp.handler(chunk -> {
        bytes += chunk.length();
        if (bytes > MAX_RESPONSE_BYTES) {
          finish(answered()); // enough: the rest of a huge answer is not our business
        }
      });
      resp.exceptionHandler(e -> finish(answered()));
      resp.endHandler(v -> {
        ended = true;
        finish(answered());
      });
    }

    private AttemptOutcome answered() {
      return AttemptOutcome.answered(response.statusCode(),
          RetryPolicy.parseRetryAfter(response.getHeader("Retry-After"), Instant.now()), elapsedMs(started));
    }

    /** Status already in: it counts (the body is just cut). No status: the attempt timed out. */
    private void onDeadline() {
      finish(response != null ? answered() : AttemptOutcome.failed("timeout after " + timeoutMs + " ms", elapsedMs(started)));
    }

    private void finish(AttemptOutcome outcome) {
      if (!result.tryComplete(outcome)) {
        return;
      }
      vertx.cancelTimer(timer);
      if (request != null && !ended) {
        // HTTP/1.1 cannot abandon a request and keep its connection: closing it is what stops a
        // hanging or flooding receiver (and keeps the pooled connection from being reused half-read)
        request.connection().close();
      }
    }
  }

  private static String describe(Throwable e) {
    if (e instanceof TargetRefusedException) {
      return "refused: " + e.getMessage();
    }
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static long elapsedMs(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  private static String version() {
    String v = WebhookSender.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
