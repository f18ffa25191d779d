package io.presencegateway;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.store.PresenceStore;
import io.presencegateway.store.WebhookStores;

/**
 * What the verticles of one gateway instance share: its configuration, its stores and the poller's
 * status. Built once by {@link MainVerticle}; everything in it is safe to use from any event loop.
 */
public record GatewayServices(GatewayConfig config, PresenceStore store, PollStatus pollStatus, WebhookStores webhooks) {

  /** With in-memory webhook stores (tests and tools that do not manage subscriptions). */
  public GatewayServices(GatewayConfig config, PresenceStore store, PollStatus pollStatus) {
    this(config, store, pollStatus, WebhookStores.memory());
  }
}
