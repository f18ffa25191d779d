package io.presencegateway.webhook;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.event.PresenceFilter;
import io.presencegateway.store.Subscription;

import java.net.URI;

/**
 * Where and how one receiver gets its events: the static {@code WEBHOOK_URL}/{@code WEBHOOKS}
 * receivers and API subscriptions alike (same shape: URL, signer, filter).
 */
public record Receiver(String id, URI url, WebhookSigner signer, PresenceFilter filter) {

  /** @throws IllegalArgumentException for a bad secret or filter (the message holds no secret) */
  public static Receiver fromStatic(int index, GatewayConfig.StaticReceiver r) {
    return new Receiver("static-" + index, r.url(), WebhookSigner.of(r.secret()), PresenceFilter.of(r.ids(), r.statuses()));
  }

  /**
   * An API subscription as it signs now: its current secret, plus the previous one while a
   * rotation overlap lasts.
   */
  public static Receiver fromSubscription(Subscription s, long nowMs) {
    return new Receiver(s.id(), URI.create(s.targetUrl()), WebhookSigner.of(s.signingSecrets(nowMs)),
        PresenceFilter.of(s.ids(), s.statuses()));
  }

  /** For logs: the host only, never the path (it may carry a token) nor the secret. */
  public String host() {
    return url.getHost() != null ? url.getHost() : String.valueOf(url.getRawAuthority());
  }

  @Override
  public String toString() {
    return "Receiver[" + id + ", " + host() + "]";
  }
}
