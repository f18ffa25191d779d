package io.presencegateway.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;

/**
 * Optional API keys (PRODUCT.md §6): when keys are configured, every {@code /v1/*} request needs
 * {@code Authorization: Bearer <key>}; the stream endpoints also take {@code ?access_token=},
 * because a browser {@code EventSource} cannot send headers. A missing or wrong key is a 401 JSON
 * error, answered before any WebSocket upgrade. Keys are compared in constant time (by their
 * SHA-256, so the length does not leak either) and never logged.
 */
public final class ApiKeyAuth implements Handler<RoutingContext> {
  /** Paths that accept the key as a query parameter. */
  static final Set<String> TOKEN_IN_QUERY_PATHS = Set.of("/v1/presence/stream", "/v1/presence/ws");
  private static final String BEARER = "bearer ";

  private final List<byte[]> keyDigests;

  public ApiKeyAuth(List<String> keys) {
    this.keyDigests = keys.stream().map(ApiKeyAuth::sha256).toList();
  }

  public boolean enabled() {
    return !keyDigests.isEmpty();
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!enabled() || accepts(presented(ctx))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"presence-gateway\"");
    ErrorMapper.send(ctx, new ApiError(401, "unauthorized", "missing or invalid API key"));
  }

  private static String presented(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return header.substring(BEARER.length()).trim();
    }
    if (TOKEN_IN_QUERY_PATHS.contains(ctx.normalizedPath())) {
      return ctx.request().getParam("access_token");
    }
    return null;
  }

  /** Checks against every key without stopping early, so timing says nothing about which matched. */
  boolean accepts(String presented) {
    if (presented == null || presented.isEmpty()) {
      return false;
    }
    byte[] digest = sha256(presented);
    boolean match = false;
    for (byte[] key : keyDigests) {
      match |= MessageDigest.isEqual(key, digest);
    }
    return match;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }
}
