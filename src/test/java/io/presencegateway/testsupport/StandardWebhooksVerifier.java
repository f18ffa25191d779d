package io.presencegateway.testsupport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * A receiver-side verifier written from the Standard Webhooks specification, sharing no code with
 * the gateway's WebhookSigner: strip {@code whsec_}, base64-decode the key, HMAC-SHA256 over
 * {@code id.timestamp.body}, accept when any space-separated {@code v1,} signature matches
 * (constant-time compare) and the timestamp is within the tolerance (5 minutes, as the spec's
 * reference libraries use).
 */
public final class StandardWebhooksVerifier {
  public static final long TOLERANCE_SECONDS = 5 * 60;
  private final byte[] key;

  public StandardWebhooksVerifier(String secret) {
    String b64 = secret.startsWith("whsec_") ? secret.substring("whsec_".length()) : secret;
    this.key = Base64.getDecoder().decode(b64);
  }

  /** @throws AssertionError naming what failed */
  public void verify(String msgId, String timestampHeader, String signatureHeader, byte[] body, long nowSeconds) {
    if (msgId == null || timestampHeader == null || signatureHeader == null) {
      throw new AssertionError("missing Standard Webhooks header");
    }
    long ts;
    try {
      ts = Long.parseLong(timestampHeader);
    } catch (NumberFormatException e) {
      throw new AssertionError("timestamp is not an integer: " + timestampHeader);
    }
    if (Math.abs(nowSeconds - ts) > TOLERANCE_SECONDS) {
      throw new AssertionError("timestamp outside tolerance: " + ts + " vs now " + nowSeconds);
    }
    byte[] expected = expected(msgId, timestampHeader, body);
    for (String candidate : signatureHeader.split(" ")) {
      int comma = candidate.indexOf(',');
      if (comma < 0 || !candidate.substring(0, comma).equals("v1")) {
        continue; // other versions are ignored, as the spec says
      }
      byte[] given;
      try {
        given = Base64.getDecoder().decode(candidate.substring(comma + 1));
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (MessageDigest.isEqual(expected, given)) {
        return;
      }
    }
    throw new AssertionError("no matching v1 signature in '" + signatureHeader + "'");
  }

  private byte[] expected(String msgId, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] p = (msgId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
      byte[] toSign = new byte[p.length + body.length];
      System.arraycopy(p, 0, toSign, 0, p.length);
      System.arraycopy(body, 0, toSign, p.length, body.length);
      return mac.doFinal(toSign);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
