package io.presencegateway.config;

/**
 * Every setting the gateway reads, with its default and meaning. The name is both the key in
 * {@code config.json} and the environment variable that overrides it, so there is one list to
 * document and one list to validate against (unknown keys in a config file are refused).
 */
public enum Setting {
  HTTP_HOST("0.0.0.0", "Interface the HTTP server binds to: an IP address, or a host name that resolves at start."),
  HTTP_PORT("8080", "HTTP port for the API, streams, health, metrics and the page at /."),
  SOURCE("simulator", "Where presence comes from: 'simulator' (built-in fake Webex) or 'webex'."),
  WEBEX_BASE_URL("https://webexapis.com/v1", "Base URL of the Webex (or Webex-compatible) People API; ignored when SOURCE=simulator."),
  WEBEX_TOKEN("", "Static bearer token for the People API. SOURCE=webex needs it or the three WEBEX_CLIENT_ID/SECRET/REFRESH_TOKEN. With SOURCE=simulator, the token the simulator accepts (default: a random one), so other instances can poll it. Never logged."),
  WEBEX_CLIENT_ID("", "OAuth client id (integration / service app): with WEBEX_CLIENT_SECRET and WEBEX_REFRESH_TOKEN the gateway refreshes its own access tokens."),
  WEBEX_CLIENT_SECRET("", "OAuth client secret for the token refresh. Never logged."),
  WEBEX_REFRESH_TOKEN("", "Initial OAuth refresh token. The rotated one is kept in the store (Redis: shared by the cluster) and in each instance's memory, which writes it back if Redis lost it (restart, FLUSHALL); a new value here replaces the stored one. Never logged."),
  WEBEX_WATCH("org", "Initial watch list when the store has none: 'org' (whole org, paged list) or comma-separated person ids. Edit at run time with /v1/watchlist."),
  WEBEX_WATCH_MAX("5000", "Most person ids an explicit watch list may hold (config and /v1/watchlist)."),
  STATUS_MESSAGES_MAX("10000", "Most status messages stored in all (people x statuses); a PUT of a new one beyond it gets 409. Every poll cycle reads them all."),
  WEBEX_PERSON_GET_MAX("25", "Explicit watch lists up to this size are read with per-person GETs; longer ones with the paged org list, filtered locally."),
  WEBEX_PAGE_SIZE("1000", "Page size (max=) for the org list, 1..1000."),
  WEBEX_MAX_PAGES("500", "Page cap for one org listing; guards against paging loops."),
  WEBEX_CONCURRENCY("8", "Concurrent per-person GETs when an explicit list is watched."),
  WEBEX_TIMEOUT_MS("10000", "Timeout of every upstream request."),
  WEBEX_RETRY_AFTER_DEFAULT_S("15", "Pause when a 429/423/503 carries no usable Retry-After."),
  WEBEX_RETRY_AFTER_MAX_S("600", "Upper bound applied to any upstream Retry-After."),
  POLL_INTERVAL_MS("3000", "Time between the end of one poll cycle and the start of the next."),
  POLL_MAX_BACKOFF_MS("60000", "Longest interval the poller widens to while upstream fails."),
  POLL_DEBOUNCE_MS("0", "Flap filter: a status that reverts within this window makes no event; a lasting change is emitted once, late by at most the window plus one poll interval. 0 = off."),
  POLL_LEASE_TTL_MS("10000", "Poll lease lifetime (Redis), renewed every third of it while the poller holds it, cycles included: a dead poller is replaced within this plus one interval. At least 1.5 x REDIS_TIMEOUT_MS."),
  WEBHOOK_URL("", "A static webhook receiver (built-in subscription). Empty: none."),
  WEBHOOK_SECRET("", "Signing secret for WEBHOOK_URL: 'whsec_' + base64 of 16+ random bytes. Required with WEBHOOK_URL."),
  WEBHOOKS("[]", "More static receivers: a JSON array of {\"url\",\"secret\",\"ids\",\"statuses\"} (ids: person ids; ids and statuses: arrays of strings; no other keys)."),
  WEBHOOK_ALLOW_PRIVATE_TARGETS("false", "Allow webhook targets on loopback/private/link-local addresses (tests, local demos)."),
  WEBHOOK_TIMEOUT_MS("10000", "A delivery attempt that has no 2xx answer within this time failed."),
  WEBHOOK_RETRY_SCHEDULE("5s,5m,30m,2h,5h,10h,10h", "Delays between attempts (ms, s, m, h, d suffixes; each 0 to 365d); jitter is added."),
  WEBHOOK_DISABLE_AFTER("5d", "A subscription failing without a single success for this long is disabled (s, m, h, d suffixes; up to 365d)."),
  SIMULATOR_HOST("127.0.0.1", "Interface the built-in Webex simulator binds to."),
  SIMULATOR_PORT("8081", "Port of the built-in Webex simulator (0 = any free port); must differ from HTTP_PORT."),
  SIMULATOR_PEOPLE("25", "Number of synthetic people in the simulator's org."),
  SIMULATOR_SEED("42", "Random seed of the simulator, for repeatable runs."),
  SIMULATOR_CHANGE_INTERVAL_MS("5000", "How often the simulator changes somebody's presence (0 = never, control endpoint only)."),
  HTTP_MAX_CONNECTIONS("auto", "SSE + WebSocket connections one instance accepts; beyond it: 503 with Retry-After. 'auto': what the open-file limit (ulimit -n) leaves once a reserve for Redis, Webex, webhooks and files (a fortieth, 256..2048) and room for API requests (a tenth of the rest, at most 256) are kept, at most 20000. A number the limit cannot hold is refused at start. Connections to the HTTP port beyond limit minus reserve are closed as they are accepted."),
  HTTP_REQUEST_TIMEOUT_MS("10000", "A new connection must send its request headers within this time, and a request body must be complete within it after its headers; otherwise the connection is closed (silent or slowloris clients, WebSocket handshakes that never complete). Running SSE/WebSocket streams are not affected: they have heartbeats."),
  HTTP_IDLE_TIMEOUT_MS("75000", "A keep-alive connection that sends no new request for this long after its last response is closed. Keep it above the load balancer's upstream keep-alive (nginx and most balancers: 60 s). Running streams are not affected."),
  SSE_HEARTBEAT_MS("15000", "Interval of the SSE heartbeat comment."),
  WS_PING_MS("25000", "Interval of WebSocket ping frames; a peer silent for two intervals is closed."),
  CLIENT_BUFFER_BYTES("262144", "Bytes queued for one slow SSE/WebSocket client before it is disconnected."),
  CORS_ORIGINS("", "Comma-separated origins allowed by CORS (exact match). Empty: same-origin only."),
  REDIS_TIMEOUT_MS("2000", "Timeout of one Redis command; a stalled Redis fails the operation, never hangs."),
  REDIS_URL("", "redis:// or rediss:// URL. Empty: in-memory store (one instance, not durable)."),
  EVENT_LOG_SIZE("10000", "Events kept for resume (Last-Event-ID / since); older ids get a reset and a snapshot."),
  API_KEYS("", "Comma-separated API keys for admin and stream endpoints. Empty: open (a value of only commas or blanks is refused)."),
  SHUTDOWN_TIMEOUT_MS("20000", "On SIGTERM: longest time to stop polling, tell SSE/WebSocket clients to reconnect, finish or hand back webhook attempts and exit."),
  LOG_LEVEL("info", "Level of the gateway's own log: error, warn, info, debug or trace."),
  LOG_FORMAT("text", "Log line format: 'text' (one readable line per event) or 'json' (one JSON object per line, for log shippers).");

  private final String defaultValue;
  private final String description;

  Setting(String defaultValue, String description) {
    this.defaultValue = defaultValue;
    this.description = description;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** True when {@code name} is one of the settings (and so an environment variable the gateway reads). */
  public static boolean isName(String name) {
    for (Setting s : values()) {
      if (s.name().equals(name)) {
        return true;
      }
    }
    return false;
  }
}
