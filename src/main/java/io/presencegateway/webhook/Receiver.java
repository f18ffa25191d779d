package io.presencegateway.webhook;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.event.PresenceFilter;

import java.net.URI;

/**
 * Where and how one receiver gets its events: the static {@code WEBHOOK_URL}/{@code WEBHOOKS}
 * receivers now, API subscriptions later (same shape: URL, signer, filter).
 */
public record Receiver(String id, URI url, WebhookSigner signer, PresenceFilter filter) {

  /** @throws IllegalArgumentException for a bad secret or filter (the message holds no secret) */
  public static Receiver fromStatic(int index, GatewayConfig.StaticReceiver r) {
    return new Receiver("static-" + index, r.url(), WebhookSigner.of(r.secret()), PresenceFilter.of(r.ids(), r.statuses()));
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
