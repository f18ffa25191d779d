package io.presencegateway;

import io.presencegateway.config.GatewayConfig;
import io.presencegateway.poll.PollStatus;
import io.presencegateway.store.PresenceStore;

/**
 * What the verticles of one gateway instance share: its configuration, its store and the poller's
 * status. Built once by {@link MainVerticle}; everything in it is safe to use from any event loop.
 */
public record GatewayServices(GatewayConfig config, PresenceStore store, PollStatus pollStatus) { }
