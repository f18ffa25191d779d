package io.presencegateway.loadtool;

/**
 * One live event as a client received it: its key (orders events, see {@link Envelopes}), the
 * envelope's detection timestamp, and the envelope's size (-1 when the transport wraps it).
 */
record Delivery(long key, long timestampMillis, int envelopeBytes) {
}
