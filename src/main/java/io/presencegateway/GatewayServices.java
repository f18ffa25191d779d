package io.presencegateway;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.store.PresenceStore;
import io.presencegateway.store.WebhookStores;
import io.presencegateway.store.UpstreamStore;
import io.presencegateway.store.WatchlistStore;
import io.presencegateway.store.memory.MemoryUpstreamStore;
import io.presencegateway.store.memory.MemoryWatchlistStore;

/**
 * What the verticles of one gateway instance share: its configuration, its stores and the poller's
 * status. Built once by {@link MainVerticle}; everything in it is safe to use from any event loop.
 */
public record GatewayServices(GatewayConfig config, PresenceStore store, PollStatus pollStatus, WebhookStores webhooks,
                              WatchlistStore watchlist, UpstreamStore upstream) {

  /** One instance with in-memory webhook, watch-list and upstream state (tests, embedders). */
  public GatewayServices(GatewayConfig config, PresenceStore store, PollStatus pollStatus) {
    this(config, store, pollStatus, WebhookStores.memory(), new MemoryWatchlistStore(), new MemoryUpstreamStore());
  }

  /** With the given webhook stores and in-memory watch-list and upstream state. */
  public GatewayServices(GatewayConfig config, PresenceStore store, PollStatus pollStatus, WebhookStores webhooks) {
    this(config, store, pollStatus, webhooks, new MemoryWatchlistStore(), new MemoryUpstreamStore());
  }
}
