package io.presencegateway.poll;

import java.time.Duration;

/**
 * Why a call to the People API failed, typed so that the poller can pace itself: throttled (wait
 * {@link #retryAfter()}), unauthorized (token invalid or expired), or a failure to back off from.
 * Messages never contain a token.
 */
public final class UpstreamException extends RuntimeException {

  public enum Kind {
    /** 429, 423 or 503: no call before {@link #retryAfter()} has elapsed. */
    THROTTLED,
    /** 401: the token is invalid or expired. */
    UNAUTHORIZED,
    /** the OAuth refresh token was refused (invalid_grant) or refreshing kept failing: an operator must act. */
    TOKEN_REVOKED,
    /** another 5xx. */
    SERVER_ERROR,
    /** no answer within the request timeout. */
    TIMEOUT,
    /** connection refused, reset, DNS... */
    NETWORK,
    /** another 4xx (e.g. 403: the token lacks a scope). */
    REJECTED,
    /** an answer the client cannot use: not JSON, a paging loop, too many pages, a foreign next link. */
    BAD_RESPONSE
  }

  private final Kind kind;
  private final int httpStatus;
  private final Duration retryAfter;
  private final String trackingId;

  public UpstreamException(Kind kind, String message, int httpStatus, Duration retryAfter, String trackingId) {
    super(message, null, false, false);
    this.kind = kind;
    this.httpStatus = httpStatus;
    this.retryAfter = retryAfter;
    this.trackingId = trackingId;
  }

  public static UpstreamException of(Kind kind, String message) {
    return new UpstreamException(kind, message, 0, null, null);
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status, or 0 when there was no answer. */
  public int httpStatus() {
    return httpStatus;
  }

  /** How long to stay away (THROTTLED only; already defaulted and capped), else null. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** Webex's TrackingID of the failed answer, or null when there was no answer. */
  public String trackingId() {
    return trackingId;
  }
}
