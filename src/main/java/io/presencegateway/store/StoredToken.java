package io.presencegateway.store;

import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * An OAuth token pair as the gateway keeps it. {@code seed} is a fingerprint of the configured
 * {@code WEBEX_REFRESH_TOKEN} the pair descends from: when the operator configures a new refresh
 * token, the stored (older) pair no longer applies. {@link #toString()} never shows a token.
 *
 * @param refreshAtMs epoch ms from which the access token should be refreshed (~80 % of its life)
 * @param expiresAtMs epoch ms at which Webex stops accepting the access token
 * @param generation  how many refreshes lie between the configured refresh token and this pair (1 = the
 *                    first refresh): of two pairs with one seed, the higher generation is the newer one
 */
public record StoredToken(String accessToken, long refreshAtMs, long expiresAtMs, String refreshToken, String seed,
                          long generation) {

  /** The fingerprint stored as {@code seed}: a SHA-256 prefix, never the token. */
  public static String fingerprint(String refreshToken) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(refreshToken.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("accessToken", accessToken).put("refreshAtMs", refreshAtMs).put("expiresAtMs", expiresAtMs)
        .put("refreshToken", refreshToken).put("seed", seed).put("generation", generation);
  }

  public static StoredToken fromJson(JsonObject json) {
    return new StoredToken(json.getString("accessToken"), json.getLong("refreshAtMs", 0L), json.getLong("expiresAtMs", 0L),
        json.getString("refreshToken"), json.getString("seed"), json.getLong("generation", 0L));
  }

  @Override
  public String toString() {
    return "StoredToken[refreshAtMs=" + refreshAtMs + ", expiresAtMs=" + expiresAtMs + ", seed=" + seed + ", generation=" + generation + "]";
  }
}
