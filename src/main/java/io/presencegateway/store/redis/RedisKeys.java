package io.presencegateway.store.redis;

/**
 * Every key the gateway uses. They share the hash tag {@code {pg}}, so the whole layout lives in one
 * slot and the Lua scripts may touch several keys on Redis Cluster too.
 */
final class RedisKeys {
  /** Hash: person key → compact JSON of the last known {@code PersonState}. */
  static final String STATE = "{pg}:state";
  /** String: a random value apply.lua sets whenever it writes {@link #STATE}: an unchanged version = an unchanged hash. */
  static final String STATE_VERSION = "{pg}:state:version";
  /** Hash: person key → JSON object status → stored status message. */
  static final String MESSAGES = "{pg}:msg";
  /** Counter: how many status messages {@link #MESSAGES} holds in all (recounted when missing). */
  static final String MESSAGE_COUNT = "{pg}:msg:count";
  /** Stream, capped with {@code MAXLEN ~}: the event log; entry id = event id. */
  static final String EVENTS = "{pg}:events";
  /** String: the id a snapshot of the empty log carries (see log-origin.lua); new after a flush. */
  static final String EVENTS_ORIGIN = "{pg}:events:origin";
  /** String with a PX TTL: {@code <holder>|<fencing token>} of the instance that polls. */
  static final String LEASE = "{pg}:lease:poller";
  /** Counter: the last fencing token handed out. */
  static final String FENCE = "{pg}:lease:fence";
  /** Consumer group on {@link #EVENTS}: hands each event to one webhook sender of the cluster. */
  static final String DELIVERY_GROUP = "webhook";

  private RedisKeys() {
  }
}
