package io.presencegateway.webhook;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class RetryPolicyTest {
  private static final List<Duration> SCHEDULE = List.of(Duration.ofSeconds(5), Duration.ofMinutes(5));

  @Test
  void followsTheScheduleWithUpToTwentyPercentJitter() {
    assertThat(new RetryPolicy(SCHEDULE, () -> 0.0).nextDelayMs(1, Optional.empty())).hasValue(5_000);
    assertThat(new RetryPolicy(SCHEDULE, () -> 0.999).nextDelayMs(1, Optional.empty()).getAsLong()).isBetween(5_990L, 6_000L);
    assertThat(new RetryPolicy(SCHEDULE, () -> 0.5).nextDelayMs(2, Optional.empty())).hasValue(330_000);
  }

  @Test
  void endsWhenTheScheduleRunsOut() {
    RetryPolicy p = new RetryPolicy(SCHEDULE, () -> 0.0);
    assertThat(p.maxAttempts()).isEqualTo(3);
    assertThat(p.nextDelayMs(3, Optional.empty())).isEqualTo(OptionalLong.empty());
  }

  @Test
  void retryAfterPushesLaterButNeverEarlierAndIsBounded() {
    RetryPolicy p = new RetryPolicy(SCHEDULE, () -> 0.0);
    assertThat(p.nextDelayMs(1, Optional.of(Duration.ofSeconds(60)))).hasValue(60_000);
    assertThat(p.nextDelayMs(1, Optional.of(Duration.ofSeconds(1)))).hasValue(5_000);
    assertThat(p.nextDelayMs(1, Optional.of(Duration.ofDays(30)))).hasValue(RetryPolicy.MAX_RETRY_AFTER.toMillis());
  }

  @Test
  void parsesRetryAfterSecondsAndHttpDates() {
    Instant now = Instant.parse("2025-08-15T16:42:00Z");
    assertThat(RetryPolicy.parseRetryAfter("120", now)).contains(Duration.ofSeconds(120));
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(90).atOffset(ZoneOffset.UTC));
    assertThat(RetryPolicy.parseRetryAfter(date, now)).contains(Duration.ofSeconds(90));
    assertThat(RetryPolicy.parseRetryAfter("-5", now)).isEmpty();
    assertThat(RetryPolicy.parseRetryAfter("soon", now)).isEmpty();
    assertThat(RetryPolicy.parseRetryAfter(null, now)).isEmpty();
  }
}
