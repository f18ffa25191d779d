package io.presencegateway.poll;

import io.vertx.core.Future;

/**
 * Where the bearer token of each Webex call comes from. Failures are {@link UpstreamException}s;
 * {@link UpstreamException.Kind#TOKEN_REVOKED} means polling cannot continue without an operator.
 */
public interface TokenSource {

  /** The token to use now (refreshed first when it is near its end). */
  Future<String> token();

  /**
   * Webex answered 401 to {@code rejected}: a fresh token, from a refresh or from another instance
   * that refreshed meanwhile. Fails when no fresh token can be had.
   */
  Future<String> afterRejection(String rejected);

  /** Stops any timer the source runs; called when the poller stops. */
  default void close() {
  }

  /** A fixed token: nothing to refresh, a 401 stays a 401. */
  static TokenSource fixed(String token) {
    return new TokenSource() {
      @Override
      public Future<String> token() {
        return Future.succeededFuture(token);
      }

      @Override
      public Future<String> afterRejection(String rejected) {
        return Future.failedFuture(UpstreamException.of(UpstreamException.Kind.UNAUTHORIZED,
            "unauthorized: the Webex token is invalid or expired"));
      }

      @Override
      public String toString() {
        return "TokenSource[fixed]";
      }
    };
  }
}
