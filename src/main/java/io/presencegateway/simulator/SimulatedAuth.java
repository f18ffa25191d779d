package io.presencegateway.simulator;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Who may call the simulated People API: the fixed token given at start (empty: anyone), and OAuth
 * access tokens issued by {@code POST /v1/access_token} for the one client the control API set up.
 * Access tokens expire after {@code expiresInS}; every refresh rotates the refresh token (the old one
 * gets {@code invalid_grant} from then on). Owned by the simulator's event loop.
 */
final class SimulatedAuth {
  static final long REFRESH_TOKEN_LIFE_S = 7_776_000;
  private static final int MAX_TOKENS = 10_000;

  private final String fixedToken;
  private final Map<String, Long> accessTokens = new HashMap<>();
  private final Set<String> refreshTokens = new LinkedHashSet<>();
  private String clientId;
  private String clientSecret;
  private long expiresInS = 3600;
  private int refreshes;

  SimulatedAuth(String fixedToken) {
    this.fixedToken = fixedToken;
  }

  /** True when the Authorization header carries the fixed token or an unexpired issued token. */
  boolean accepts(String authorization) {
    if (fixedToken == null || fixedToken.isEmpty() && clientId == null) {
      return true;
    }
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    String token = authorization.substring(7);
    if (!fixedToken.isEmpty() && fixedToken.equals(token)) {
      return true;
    }
    Long expiresAt = accessTokens.get(token);
    return expiresAt != null && System.currentTimeMillis() < expiresAt;
  }

  /** Sets up the OAuth client and its first valid refresh token (earlier tokens are forgotten). */
  void configure(String id, String secret, String refreshToken, long lifeS) {
    clientId = id;
    clientSecret = secret;
    expiresInS = lifeS;
    accessTokens.clear();
    refreshTokens.clear();
    refreshTokens.add(refreshToken);
    refreshes = 0;
  }

  /** Every issued access token expires now (the next call with one gets 401). */
  void expireAll() {
    accessTokens.replaceAll((token, at) -> 0L);
  }

  /** The answer to a token request: status and Webex-shaped body. */
  JsonObject refresh(MultiMap form) {
    if (!"refresh_token".equals(form.get("grant_type"))) {
      return error(400, "unsupported_grant_type", "grant_type must be refresh_token");
    }
    if (clientId == null || !clientId.equals(form.get("client_id")) || !clientSecret.equals(form.get("client_secret"))) {
      return error(401, "invalid_client", "unknown client or wrong secret");
    }
    String used = form.get("refresh_token");
    if (used == null || !refreshTokens.remove(used)) {
      return error(400, "invalid_grant", "the refresh token is unknown, expired or already used");
    }
    refreshes++;
    long now = System.currentTimeMillis();
    accessTokens.values().removeIf(at -> at < now);
    if (accessTokens.size() >= MAX_TOKENS) {
      accessTokens.clear();
    }
    String access = "sim-at-" + UUID.randomUUID();
    String rotated = "sim-rt-" + UUID.randomUUID();
    accessTokens.put(access, now + expiresInS * 1000);
    refreshTokens.add(rotated);
    return new JsonObject().put("status", 200).put("body", new JsonObject().put("access_token", access)
        .put("expires_in", expiresInS).put("refresh_token", rotated).put("refresh_token_expires_in", REFRESH_TOKEN_LIFE_S));
  }

  JsonObject toJson() {
    return new JsonObject().put("clientId", clientId).put("expiresInS", expiresInS).put("refreshes", refreshes)
        .put("refreshTokens", new JsonArray(refreshTokens.stream().toList()));
  }

  private static JsonObject error(int status, String code, String description) {
    return new JsonObject().put("status", status).put("body", new JsonObject().put("error", code)
        .put("error_description", description).put("message", description));
  }
}
