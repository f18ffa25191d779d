package io.presencegateway.webhook;

import io.presencegateway.event.PresenceEvent;
import io.presencegateway.poll.PollCycle;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/** The {@code webhook-signature} of one delivery attempt of the cycle's event (one secret). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class SigningBenchmark {
  /** The secret of the Standard Webhooks specification's own example. */
  private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

  private WebhookSigner signer;
  private String eventId;
  private long timestamp;
  private byte[] body;
  private byte[] signedPrefix;
  private Mac mac;

  @Setup
  public void setUp() throws GeneralSecurityException {
    PresenceEvent event = PollCycle.create().event();
    signer = WebhookSigner.of(SECRET);
    eventId = event.id();
    timestamp = 1_755_276_149L;
    body = event.envelope().getBytes();
    signedPrefix = (eventId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
    mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(WebhookSigner.decodeSecret(SECRET), "HmacSHA256"));
    if (!sign().equals(baseline())) {
      throw new IllegalStateException("the baseline must sign the same bytes with the same key");
    }
  }

  @Benchmark
  public String sign() {
    return signer.sign(eventId, timestamp, body);
  }

  /** Raw javax.crypto on the same bytes: one Mac made and keyed in advance, reused, plus Base64. */
  @Benchmark
  public String baseline() {
    mac.update(signedPrefix);
    return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
  }
}
