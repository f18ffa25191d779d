package io.presencegateway.bench;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Standard Webhooks signatures, written from the spec (standardwebhooks.com), not taken from the
 * gateway, so that the receiver checks the gateway against the spec: {@code v1,<base64
 * HMAC-SHA256(key, "<id>.<timestamp>.<body>")>}, the key being the base64 after {@code whsec_}; a
 * header may hold several space-separated signatures; the timestamp must be within 5 minutes.
 */
final class StandardWebhooks {
  private static final long TOLERANCE_S = 300;
  /** A Mac per thread: the receiver checks on several event loops, and Mac is not thread-safe. */
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  });

  private final SecretKeySpec key;

  /** @param secret {@code whsec_<base64>}; never printed */
  StandardWebhooks(String secret) {
    if (!secret.startsWith("whsec_")) {
      throw new IllegalArgumentException("a Standard Webhooks secret starts with whsec_");
    }
    this.key = new SecretKeySpec(Base64.getDecoder().decode(secret.substring(6)), "HmacSHA256");
  }

  String sign(String id, long timestampS, byte[] body) {
    return "v1," + Base64.getEncoder().encodeToString(hmac(id, Long.toString(timestampS), body));
  }

  /** Whether one of the header's {@code v1} signatures matches and the timestamp is fresh. */
  boolean verify(String id, String timestamp, String signatureHeader, byte[] body, long nowS) {
    if (id == null || timestamp == null || signatureHeader == null) {
      return false;
    }
    long ts;
    try {
      ts = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(nowS - ts) > TOLERANCE_S) {
      return false;
    }
    byte[] expected = hmac(id, timestamp, body);
    for (String candidate : signatureHeader.split(" ")) {
      if (candidate.startsWith("v1,") && MessageDigest.isEqual(expected, decodeOrEmpty(candidate.substring(3)))) {
        return true;
      }
    }
    return false;
  }

  private byte[] hmac(String id, String timestamp, byte[] body) {
    Mac mac = MAC.get();
    try {
      mac.init(key);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
    return mac.doFinal(body);
  }

  private static byte[] decodeOrEmpty(String base64) {
    try {
      return Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      return new byte[0];
    }
  }
}
