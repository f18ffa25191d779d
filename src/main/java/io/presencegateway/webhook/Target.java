package io.presencegateway.webhook;

import io.presencegateway.store.Subscription;

/**
 * A receiver as deliveries see it right now: how to reach and sign for it, whether it is on, and
 * its stored subscription (null for a static {@code WEBHOOK_URL}/{@code WEBHOOKS} receiver).
 */
record Target(Receiver receiver, boolean enabled, Subscription subscription) {

  String id() {
    return receiver.id();
  }

  boolean builtIn() {
    return subscription == null;
  }
}
