package io.presencegateway.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Standard Webhooks signing, pure: the signature of a message is
 * {@code v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>} where the key is the base64 part
 * of a {@code whsec_} secret, decoded. With several secrets (a rotation overlap) the header carries
 * one signature per secret, space-separated, newest first, so a receiver holding either verifies.
 * The body is signed as the exact bytes that go on the wire.
 */
public final class WebhookSigner {
  public static final String PREFIX = "whsec_";
  private static final String ALGORITHM = "HmacSHA256";
  private static final int GENERATED_KEY_BYTES = 32;
  private static final int MIN_KEY_BYTES = 16;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final List<SecretKeySpec> keys;
  /**
   * One initialised Mac per key, per thread: a {@code Mac} is not thread-safe, and making and keying
   * a new one for every signature costs more than the signature itself. A signer lives as long as its
   * receiver is unchanged, so these are made once per event-loop thread that signs with it.
   */
  private final ThreadLocal<Mac[]> macs = ThreadLocal.withInitial(this::newMacs);

  private WebhookSigner(List<SecretKeySpec> keys) {
    this.keys = List.copyOf(keys);
  }

  /**
   * @param secrets one or more {@code whsec_} secrets, the newest first
   * @throws IllegalArgumentException when none is given or one is malformed (the message never holds the secret)
   */
  public static WebhookSigner of(String... secrets) {
    return of(List.of(secrets));
  }

  public static WebhookSigner of(List<String> secrets) {
    if (secrets.isEmpty()) {
      throw new IllegalArgumentException("at least one signing secret is needed");
    }
    List<SecretKeySpec> keys = new ArrayList<>();
    for (String secret : secrets) {
      keys.add(new SecretKeySpec(decodeSecret(secret), ALGORITHM));
    }
    return new WebhookSigner(keys);
  }

  /** A new secret: {@code whsec_} + base64 of 32 random bytes. */
  public static String generateSecret() {
    byte[] key = new byte[GENERATED_KEY_BYTES];
    RANDOM.nextBytes(key);
    return PREFIX + Base64.getEncoder().encodeToString(key);
  }

  /** The HMAC key of a {@code whsec_} secret. */
  public static byte[] decodeSecret(String secret) {
    if (secret == null || !secret.startsWith(PREFIX)) {
      throw new IllegalArgumentException("a signing secret must start with '" + PREFIX + "'");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the part of a signing secret after '" + PREFIX + "' is not base64");
    }
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException("a signing secret needs at least " + MIN_KEY_BYTES + " bytes of key");
    }
    return key;
  }

  /** The {@code webhook-signature} header value for one attempt. */
  public String sign(String msgId, long timestampSeconds, byte[] body) {
    byte[] prefix = (msgId + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8);
    StringBuilder header = new StringBuilder();
    for (Mac mac : macs.get()) {
      if (header.length() > 0) {
        header.append(' ');
      }
      header.append("v1,").append(Base64.getEncoder().encodeToString(hmac(mac, prefix, body)));
    }
    return header.toString();
  }

  /** {@code doFinal} leaves the Mac keyed and reset, ready for the next signature on this thread. */
  private static byte[] hmac(Mac mac, byte[] prefix, byte[] body) {
    mac.reset();
    mac.update(prefix);
    return mac.doFinal(body);
  }

  private Mac[] newMacs() {
    try {
      Mac[] out = new Mac[keys.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = Mac.getInstance(ALGORITHM);
        out[i].init(keys.get(i));
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "WebhookSigner[" + keys.size() + " key(s)]";
  }
}
