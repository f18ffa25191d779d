package io.presencegateway.ws;

import io.presencegateway.event.PresenceFilter;

/** What a WebSocket client asked for: a filter, and the event id to resume after (null: snapshot). */
record WsSubscription(PresenceFilter filter, String since) { }
