package io.presencegateway.webhook;

import io.presencegateway.testsupport.StandardWebhooksVerifier;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSignerTest {
  private static final long NOW = Instant.now().getEpochSecond();

  @Test
  void signatureVerifiesWithTheIndependentImplementation() {
    String secret = WebhookSigner.generateSecret();
    byte[] body = "{\"statusMessage\":\"Zürich — 会議中 🚀 \\\"quoted\\\" \\\\ ✓\"}".getBytes(StandardCharsets.UTF_8);
    String header = WebhookSigner.of(secret).sign("1723740149315-0", NOW, body);

    assertThat(header).startsWith("v1,").doesNotContain(" ");
    new StandardWebhooksVerifier(secret).verify("1723740149315-0", Long.toString(NOW), header, body, NOW);
  }

  @Test
  void matchesTheReferenceVectorOfTheStandardWebhooksLibraries() {
    // test vector used by the Standard Webhooks / Svix reference libraries
    String header = WebhookSigner.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        .sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));
    assertThat(header).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void tamperedBodyIdOrTimestampFailVerification() {
    String secret = WebhookSigner.generateSecret();
    byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    String header = WebhookSigner.of(secret).sign("1-0", NOW, body);
    StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(secret);

    assertThatThrownBy(() -> verifier.verify("1-0", Long.toString(NOW), header, "{\"a\":2}".getBytes(StandardCharsets.UTF_8), NOW))
        .isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> verifier.verify("1-1", Long.toString(NOW), header, body, NOW)).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> verifier.verify("1-0", Long.toString(NOW + 1), header, body, NOW)).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> verifier.verify("1-0", Long.toString(NOW), header, body, NOW + 301))
        .hasMessageContaining("tolerance");
  }

  @Test
  void severalSecretsGiveSpaceSeparatedSignaturesEachVerifying() {
    String oldSecret = WebhookSigner.generateSecret();
    String newSecret = WebhookSigner.generateSecret();
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    String header = WebhookSigner.of(newSecret, oldSecret).sign("5-3", NOW, body);

    assertThat(header.split(" ")).hasSize(2).allMatch(s -> s.startsWith("v1,"));
    new StandardWebhooksVerifier(oldSecret).verify("5-3", Long.toString(NOW), header, body, NOW);
    new StandardWebhooksVerifier(newSecret).verify("5-3", Long.toString(NOW), header, body, NOW);
    assertThatThrownBy(() -> new StandardWebhooksVerifier(WebhookSigner.generateSecret())
        .verify("5-3", Long.toString(NOW), header, body, NOW)).isInstanceOf(AssertionError.class);
  }

  /**
   * A signer keeps its keyed Macs per thread and reuses them: many signatures in a row, from several
   * threads at once, each verify and equal what a fresh signer makes (no state leaks from one
   * signature into the next).
   */
  @Test
  void oneSignerReusedManyTimesOnSeveralThreadsAtOnceSignsEachMessageRight() throws Exception {
    String oldSecret = WebhookSigner.generateSecret();
    String newSecret = WebhookSigner.generateSecret();
    WebhookSigner shared = WebhookSigner.of(newSecret, oldSecret);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<Integer>> runs = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        runs.add(pool.submit(() -> {
          for (int i = 0; i < 500; i++) {
            String id = thread + "-" + i;
            byte[] body = ("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(i % 97) + "\"}").getBytes(StandardCharsets.UTF_8);
            String header = shared.sign(id, NOW + i, body);
            assertThat(header).isEqualTo(WebhookSigner.of(newSecret, oldSecret).sign(id, NOW + i, body));
            new StandardWebhooksVerifier(oldSecret).verify(id, Long.toString(NOW + i), header, body, NOW + i);
          }
          return 500;
        }));
      }
      for (java.util.concurrent.Future<Integer> run : runs) {
        assertThat(run.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(500);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void generatedSecretsAreWhsecAnd32RandomBytes() {
    String a = WebhookSigner.generateSecret();
    String b = WebhookSigner.generateSecret();
    assertThat(a).startsWith("whsec_").isNotEqualTo(b);
    assertThat(Base64.getDecoder().decode(a.substring(6))).hasSize(32);
  }

  @Test
  void malformedSecretsAreRefusedWithoutEchoingThem() {
    assertThatThrownBy(() -> WebhookSigner.of("sekrit-value")).hasMessageNotContaining("sekrit").hasMessageContaining("whsec_");
    assertThatThrownBy(() -> WebhookSigner.of("whsec_!!!not-base64")).hasMessageNotContaining("not-base64");
    assertThatThrownBy(() -> WebhookSigner.of("whsec_" + Base64.getEncoder().encodeToString(new byte[8])))
        .hasMessageContaining("16");
  }
}
