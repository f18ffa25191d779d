package io.presencegateway.config;

import io.presencegateway.event.PersonIds;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The gateway's typed, validated configuration. Built once at start from {@link RawSettings};
 * a bad value throws {@link ConfigException} naming the setting. Secrets are kept out of
 * {@code toString()}.
 */
public record GatewayConfig(Http http, Source source, Webex webex, Poll poll, Webhooks webhooks,
                            Simulator simulator, Store store, Channels channels, Oauth oauth, Upstream upstream, Ops ops) {

  public enum LogFormat { TEXT, JSON }

  public enum LogLevel { ERROR, WARN, INFO, DEBUG, TRACE }

  /** How the process behaves for operators: shutdown bound, log format and level. */
  public record Ops(int shutdownTimeoutMs, LogFormat logFormat, LogLevel logLevel) { }

  public enum Source { SIMULATOR, WEBEX }

  public record Http(String host, int port, List<String> apiKeys) {
    @Override
    public String toString() {
      return "Http[host=" + host + ", port=" + port + ", apiKeys=" + apiKeys.size() + " configured]";
    }
  }

  /** Which people are watched: the whole org, or an explicit list of person ids. */
  public record Watch(boolean org, List<String> ids) {
    public static Watch wholeOrg() {
      return new Watch(true, List.of());
    }
  }

  public record Webex(URI baseUrl, String token, Watch watch, int pageSize, int maxPages, int concurrency,
                      int timeoutMs, Duration retryAfterDefault, Duration retryAfterMax) {
    @Override
    public String toString() {
      return "Webex[baseUrl=" + baseUrl + ", token=" + (token.isEmpty() ? "none" : "***") + ", watch=" + watch
          + ", pageSize=" + pageSize + ", maxPages=" + maxPages + ", concurrency=" + concurrency + "]";
    }

    public Webex withBaseUrl(URI url) {
      return new Webex(url, token, watch, pageSize, maxPages, concurrency, timeoutMs, retryAfterDefault, retryAfterMax);
    }
  }

  public record Poll(int intervalMs, int maxBackoffMs, int leaseTtlMs) {
    /** The holder renews its lease this often, between cycles and while one runs: twice more before it runs out. */
    public int leaseRenewMs() {
      return Math.max(1, leaseTtlMs / 3);
    }
  }

  /** OAuth refresh credentials; {@link #enabled()} when all three are set. Secrets stay out of toString. */
  public record Oauth(String clientId, String clientSecret, String refreshToken) {
    public static Oauth none() {
      return new Oauth("", "", "");
    }

    public boolean enabled() {
      return !clientId.isEmpty() && !clientSecret.isEmpty() && !refreshToken.isEmpty();
    }

    @Override
    public String toString() {
      return "Oauth[" + (enabled() ? "clientId=" + clientId + ", secret=***, refreshToken=***" : "off") + "]";
    }
  }

  /**
   * How the watch set is read and filtered.
   *
   * @param personGetMax explicit lists up to this size use per-person GETs, longer ones the org list
   * @param watchMax     most ids an explicit watch list may hold
   * @param debounceMs   flap filter window, 0 = off
   * @param statusMessagesMax most status messages stored in all (each cycle reads them all)
   */
  public record Upstream(int personGetMax, int watchMax, int debounceMs, int statusMessagesMax) {
    public static Upstream defaults() {
      return new Upstream(25, 5000, 0, 10_000);
    }
  }

  /**
   * Limits of the SSE and WebSocket channels and of the HTTP port's connections.
   *
   * @param maxConnections     stream (SSE + WebSocket) connections, beyond: 503
   * @param maxHttpConnections every connection to the HTTP port, beyond: closed as accepted
   * @param requestTimeoutMs   time to send a complete request on a new connection, or a body after its headers
   * @param idleTimeoutMs      time a keep-alive connection may wait for its next request
   */
  public record Channels(int maxConnections, int sseHeartbeatMs, int wsPingMs, int clientBufferBytes,
                         List<String> corsOrigins, int maxHttpConnections, int requestTimeoutMs, int idleTimeoutMs) { }

  /** A receiver configured without the API; {@code ids}/{@code statuses} empty = everything. */
  public record StaticReceiver(URI url, String secret, Set<String> ids, Set<String> statuses) {
    @Override
    public String toString() {
      return "StaticReceiver[url=" + url + ", secret=" + (secret == null ? "generated" : "***") + "]";
    }
  }

  /** @param disableAfter a subscription failing continuously for this long is disabled */
  public record Webhooks(List<StaticReceiver> receivers, boolean allowPrivateTargets, int timeoutMs,
                         List<Duration> retrySchedule, Duration disableAfter) { }

  public record Simulator(String host, int port, int people, long seed, int changeIntervalMs) { }

  /** Where state and the event log live: Redis when {@code redisUrl} is set, else memory. */
  public record Store(String redisUrl, int eventLogSize, int redisTimeoutMs) {
    public boolean redis() {
      return redisUrl != null;
    }

    @Override
    public String toString() {
      return "Store[" + (redisUrl == null ? "memory" : "redis") + ", eventLogSize=" + eventLogSize + "]";
    }
  }

  /** Parses and validates; throws {@link ConfigException} with one line naming the bad setting. */
  public static GatewayConfig from(RawSettings raw) {
    return from(raw, FdBudget.current());
  }

  /** As {@link #from(RawSettings)}, with the open-file limit given (tests). */
  public static GatewayConfig from(RawSettings raw, FdBudget fds) {
    SettingParser p = new SettingParser(raw);
    try {
      return parse(p, fds);
    } catch (ConfigException e) {
      throw e;
    } catch (RuntimeException e) {
      // a check this class lacks: still one line naming the setting (never its value: it may be a secret)
      throw new ConfigException(p.last() == null ? "config: invalid (" + e.getClass().getSimpleName() + ")"
          : p.last().name() + ": is not valid (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static GatewayConfig parse(SettingParser p, FdBudget fds) {
    Source source = p.choice(Setting.SOURCE, Source.class);
    Webex webex = webex(p, source);
    GatewayConfig config = new GatewayConfig(
        new Http(p.host(Setting.HTTP_HOST), p.integer(Setting.HTTP_PORT, 0, 65535), apiKeys(p)),
        source,
        webex,
        new Poll(p.integer(Setting.POLL_INTERVAL_MS, 100, 3_600_000), p.integer(Setting.POLL_MAX_BACKOFF_MS, 100, 3_600_000),
            p.integer(Setting.POLL_LEASE_TTL_MS, 1000, 600_000)),
        webhooks(p),
        new Simulator(p.host(Setting.SIMULATOR_HOST), p.integer(Setting.SIMULATOR_PORT, 0, 65535),
            p.integer(Setting.SIMULATOR_PEOPLE, 0, 200_000), p.integer(Setting.SIMULATOR_SEED, Integer.MIN_VALUE, Integer.MAX_VALUE),
            p.integer(Setting.SIMULATOR_CHANGE_INTERVAL_MS, 0, 3_600_000)),
        new Store(redisUrl(p), p.integer(Setting.EVENT_LOG_SIZE, 100, 10_000_000), p.integer(Setting.REDIS_TIMEOUT_MS, 50, 600_000)),
        new Channels(maxConnections(p, fds), p.integer(Setting.SSE_HEARTBEAT_MS, 100, 15_000),
            p.integer(Setting.WS_PING_MS, 100, 25_000), p.integer(Setting.CLIENT_BUFFER_BYTES, 1024, 64 * 1024 * 1024),
            corsOrigins(p), fds.maxHttpConnections(), p.integer(Setting.HTTP_REQUEST_TIMEOUT_MS, 100, 600_000),
            p.integer(Setting.HTTP_IDLE_TIMEOUT_MS, 100, 3_600_000)),
        oauth(p),
        new Upstream(p.integer(Setting.WEBEX_PERSON_GET_MAX, 0, 10_000), p.integer(Setting.WEBEX_WATCH_MAX, 1, 1_000_000),
            p.integer(Setting.POLL_DEBOUNCE_MS, 0, 3_600_000), p.integer(Setting.STATUS_MESSAGES_MAX, 0, 1_000_000)),
        new Ops(p.integer(Setting.SHUTDOWN_TIMEOUT_MS, 1000, 600_000), p.choice(Setting.LOG_FORMAT, LogFormat.class),
            p.choice(Setting.LOG_LEVEL, LogLevel.class)));
    leaseOutlivesARenewal(config.poll(), config.store());
    portsDiffer(config);
    return config;
  }

  /** Vert.x would share one port between the simulator and the API (requests alternating between them). */
  private static void portsDiffer(GatewayConfig config) {
    int port = config.http().port();
    if (config.source() == Source.SIMULATOR && port != 0 && config.simulator().port() == port) {
      throw new ConfigException(Setting.SIMULATOR_PORT, "must differ from HTTP_PORT (both are " + port
          + "): the simulator and the API each need their own port (0 = any free port)");
    }
  }

  /** A value made only of commas and blanks would leave the API open while looking configured. */
  private static List<String> apiKeys(SettingParser p) {
    List<String> keys = p.list(Setting.API_KEYS);
    if (keys.isEmpty() && !p.text(Setting.API_KEYS).isEmpty()) {
      throw new ConfigException(Setting.API_KEYS, "holds no key, only commas or blanks: list at least one key "
          + "(or leave it empty for an open API)");
    }
    return keys;
  }

  /**
   * With Redis the lease is renewed every {@link Poll#leaseRenewMs() third} of its TTL, and a renewal
   * may take up to REDIS_TIMEOUT_MS to be answered: that answer must come while the lease still runs,
   * or a merely slow Redis would cost the holder its lease and every cycle its result.
   */
  private static void leaseOutlivesARenewal(Poll poll, Store store) {
    if (store.redis() && 2L * poll.leaseTtlMs() < 3L * store.redisTimeoutMs()) {
      throw new ConfigException(Setting.POLL_LEASE_TTL_MS, "must be at least 1.5 x REDIS_TIMEOUT_MS ("
          + store.redisTimeoutMs() + " ms): the lease is renewed every third of it and a renewal may take REDIS_TIMEOUT_MS; got "
          + poll.leaseTtlMs());
    }
  }

  /**
   * {@code auto} or a number the open-file limit can hold next to its reserve and the room kept for
   * API requests: a limit the descriptors cannot back would fail at accept() instead of answering 503,
   * and take the Redis, Webex and webhook sockets down with it.
   */
  private static int maxConnections(SettingParser p, FdBudget fds) {
    if (p.text(Setting.HTTP_MAX_CONNECTIONS).trim().equalsIgnoreCase("auto")) {
      int auto = fds.autoStreams();
      if (auto < 1) {
        throw new ConfigException(Setting.HTTP_MAX_CONNECTIONS, "the open-file limit (" + fds.fdLimit()
            + ") leaves no room for stream connections: raise ulimit -n");
      }
      return auto;
    }
    int n = p.integer(Setting.HTTP_MAX_CONNECTIONS, 1, 1_000_000);
    if (fds.known() && n > fds.maxStreams()) {
      throw new ConfigException(Setting.HTTP_MAX_CONNECTIONS, "is " + n + " but the open-file limit " + fds.fdLimit()
          + " holds at most " + fds.maxStreams() + " (" + fds.reserve() + " kept for Redis, Webex, webhooks and files, "
          + fds.apiHeadroom() + " for API requests): raise ulimit -n or lower it, or use auto");
    }
    return n;
  }

  private static Oauth oauth(SettingParser p) {
    Oauth oauth = new Oauth(p.text(Setting.WEBEX_CLIENT_ID), p.text(Setting.WEBEX_CLIENT_SECRET), p.text(Setting.WEBEX_REFRESH_TOKEN));
    boolean any = !oauth.clientId().isEmpty() || !oauth.clientSecret().isEmpty() || !oauth.refreshToken().isEmpty();
    if (any && !oauth.enabled()) {
      Setting missing = oauth.clientId().isEmpty() ? Setting.WEBEX_CLIENT_ID
          : oauth.clientSecret().isEmpty() ? Setting.WEBEX_CLIENT_SECRET : Setting.WEBEX_REFRESH_TOKEN;
      throw new ConfigException(missing, "is required with the other OAuth settings (WEBEX_CLIENT_ID, WEBEX_CLIENT_SECRET, WEBEX_REFRESH_TOKEN)");
    }
    return oauth;
  }

  private static Webex webex(SettingParser p, Source source) {
    URI base = p.httpUrl(Setting.WEBEX_BASE_URL, false);
    String token = p.text(Setting.WEBEX_TOKEN);
    if (source == Source.WEBEX && token.isEmpty() && !oauth(p).enabled()) {
      throw new ConfigException(Setting.WEBEX_TOKEN, "is required when SOURCE=webex (or set WEBEX_CLIENT_ID, WEBEX_CLIENT_SECRET and WEBEX_REFRESH_TOKEN)");
    }
    return new Webex(base, token, watch(p), p.integer(Setting.WEBEX_PAGE_SIZE, 1, 1000),
        p.integer(Setting.WEBEX_MAX_PAGES, 1, 100_000), p.integer(Setting.WEBEX_CONCURRENCY, 1, 256),
        p.integer(Setting.WEBEX_TIMEOUT_MS, 100, 600_000),
        Duration.ofSeconds(p.integer(Setting.WEBEX_RETRY_AFTER_DEFAULT_S, 1, 86_400)),
        Duration.ofSeconds(p.integer(Setting.WEBEX_RETRY_AFTER_MAX_S, 1, 86_400)));
  }

  private static Watch watch(SettingParser p) {
    List<String> ids = p.list(Setting.WEBEX_WATCH);
    if (ids.isEmpty() || (ids.size() == 1 && ids.get(0).equalsIgnoreCase("org"))) {
      return Watch.wholeOrg();
    }
    if (ids.size() > p.integer(Setting.WEBEX_WATCH_MAX, 1, 1_000_000)) {
      throw new ConfigException(Setting.WEBEX_WATCH, "holds " + ids.size() + " ids, more than WEBEX_WATCH_MAX");
    }
    for (String id : ids) {
      if (!PersonIds.isValid(id)) {
        throw new ConfigException(Setting.WEBEX_WATCH, "'" + id + "' is not a Webex person id (nor 'org')");
      }
    }
    return new Watch(false, ids);
  }

  /** Exact origins only: a wildcard would let any site read the streams, and never goes with credentials. */
  private static List<String> corsOrigins(SettingParser p) {
    List<String> origins = p.list(Setting.CORS_ORIGINS);
    for (String o : origins) {
      if (o.contains("*")) {
        throw new ConfigException(Setting.CORS_ORIGINS, "wildcards are not allowed: list exact origins like https://dashboard.example.com");
      }
      URI uri = SettingParser.httpUrl(Setting.CORS_ORIGINS, o);
      if (uri.getPath() != null && !uri.getPath().isEmpty()) {
        throw new ConfigException(Setting.CORS_ORIGINS, "'" + o + "' is not an origin (scheme://host[:port], no path)");
      }
    }
    return origins;
  }

  private static Webhooks webhooks(SettingParser p) {
    List<StaticReceiver> receivers = new ArrayList<>();
    URI url = p.httpUrl(Setting.WEBHOOK_URL, true);
    if (url == null && !p.text(Setting.WEBHOOK_SECRET).isEmpty()) {
      throw new ConfigException(Setting.WEBHOOK_SECRET, "is set but WEBHOOK_URL is empty: set both, or neither");
    }
    if (url != null) {
      if (p.text(Setting.WEBHOOK_SECRET).isEmpty()) {
        throw new ConfigException(Setting.WEBHOOK_SECRET, "is required when WEBHOOK_URL is set (make one: echo whsec_$(openssl rand -base64 32))");
      }
      receivers.add(new StaticReceiver(url, secret(Setting.WEBHOOK_SECRET, p.text(Setting.WEBHOOK_SECRET)), Set.of(), Set.of()));
    }
    receivers.addAll(receiverList(p));
    return new Webhooks(List.copyOf(receivers), p.bool(Setting.WEBHOOK_ALLOW_PRIVATE_TARGETS),
        p.integer(Setting.WEBHOOK_TIMEOUT_MS, 100, 600_000), p.durations(Setting.WEBHOOK_RETRY_SCHEDULE),
        disableAfter(p));
  }

  private static Duration disableAfter(SettingParser p) {
    List<Duration> d = p.durations(Setting.WEBHOOK_DISABLE_AFTER);
    if (d.size() != 1 || d.get(0).isZero()) {
      throw new ConfigException(Setting.WEBHOOK_DISABLE_AFTER, "must be one positive duration, e.g. 5d or 12h");
    }
    return d.get(0);
  }

  private static List<StaticReceiver> receiverList(SettingParser p) {
    Object raw = p.raw(Setting.WEBHOOKS);
    JsonArray array;
    try {
      array = raw instanceof JsonArray ? (JsonArray) raw : new JsonArray(String.valueOf(raw).isBlank() ? "[]" : String.valueOf(raw));
    } catch (DecodeException e) {
      throw new ConfigException(Setting.WEBHOOKS, "must be a JSON array of {\"url\",\"secret\"} objects");
    }
    List<StaticReceiver> out = new ArrayList<>();
    int n = 0;
    for (Object o : array) {
      n++;
      if (!(o instanceof JsonObject)) {
        throw new ConfigException(Setting.WEBHOOKS, "every entry must be an object with a \"url\"");
      }
      JsonObject j = (JsonObject) o;
      for (String key : j.fieldNames()) {
        if (!RECEIVER_KEYS.contains(key)) {
          throw new ConfigException(Setting.WEBHOOKS, "entry " + n + " has an unknown key '" + key + "' (known: " + RECEIVER_KEYS + ")");
        }
      }
      if (!(j.getValue("url") instanceof String url)) {
        throw new ConfigException(Setting.WEBHOOKS, "entry " + n + " needs a \"url\" string");
      }
      URI u = SettingParser.httpUrl(Setting.WEBHOOKS, url);
      Object rawSecret = j.getValue("secret");
      if (rawSecret != null && !(rawSecret instanceof String)) {
        throw new ConfigException(Setting.WEBHOOKS, "entry for " + u + ": \"secret\" must be a string ('whsec_' + base64)");
      }
      String secret = secret(Setting.WEBHOOKS, (String) rawSecret);
      if (secret == null) {
        throw new ConfigException(Setting.WEBHOOKS, "entry for " + u + " needs a \"secret\" ('whsec_' + base64)");
      }
      List<String> ids = strings(j, "ids", u);
      for (String id : ids) {
        if (!PersonIds.isValid(id)) {
          throw new ConfigException(Setting.WEBHOOKS, "entry for " + u + ": '" + id + "' in \"ids\" is not a Webex person id");
        }
      }
      out.add(new StaticReceiver(u, secret, Set.copyOf(ids), Set.copyOf(strings(j, "statuses", u))));
    }
    return out;
  }

  private static final Set<String> RECEIVER_KEYS = new java.util.TreeSet<>(List.of("url", "secret", "ids", "statuses"));

  /** An optional array of strings in a WEBHOOKS entry. */
  private static List<String> strings(JsonObject entry, String key, URI url) {
    Object value = entry.getValue(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray array) || array.stream().anyMatch(v -> !(v instanceof String))) {
      throw new ConfigException(Setting.WEBHOOKS, "entry for " + url + ": \"" + key + "\" must be an array of strings");
    }
    return array.stream().map(String.class::cast).toList();
  }

  /** A Standard Webhooks secret: {@code whsec_} + base64 of at least 16 bytes; null when empty. */
  static String secret(Setting s, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    if (!value.startsWith("whsec_")) {
      throw new ConfigException(s, "must start with 'whsec_' followed by base64 (Standard Webhooks secret)");
    }
    try {
      byte[] key = Base64.getDecoder().decode(value.substring(6));
      if (key.length < 16) {
        throw new ConfigException(s, "is too short: use at least 16 random bytes");
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(s, "the part after 'whsec_' is not valid base64");
    }
    return value;
  }

  /**
   * {@code redis[s]://[[user]:password@]host[:port][/db][?options]} or {@code unix://path}, checked
   * here rather than failing inside the Redis client. Messages never repeat the URL (it may hold a password).
   */
  private static String redisUrl(SettingParser p) {
    String url = p.text(Setting.REDIS_URL);
    if (url.isEmpty()) {
      return null;
    }
    if (!url.startsWith("redis://") && !url.startsWith("rediss://") && !url.startsWith("unix://")) {
      throw new ConfigException(Setting.REDIS_URL, "must start with redis://, rediss:// or unix://");
    }
    URI u;
    try {
      u = new URI(url);
    } catch (java.net.URISyntaxException e) {
      throw new ConfigException(Setting.REDIS_URL, "is not a valid URL (characters such as spaces or '#' in a password "
          + "must be percent-encoded): redis://[:password@]host[:port][/db]");
    }
    if (url.startsWith("unix://")) {
      if (u.getPath() == null || u.getPath().isEmpty()) {
        throw new ConfigException(Setting.REDIS_URL, "needs a socket path, e.g. unix:///run/redis/redis.sock");
      }
    } else {
      if (u.getHost() == null || u.getHost().isEmpty()) {
        throw new ConfigException(Setting.REDIS_URL, "has no host, or a port that is not a number: redis://[:password@]host[:port][/db]");
      }
      if (u.getPort() != -1 && (u.getPort() < 1 || u.getPort() > 65535)) {
        throw new ConfigException(Setting.REDIS_URL, "port must be between 1 and 65535, got " + u.getPort());
      }
      String path = u.getPath() == null ? "" : u.getPath();
      if (!path.isEmpty() && !path.equals("/") && !path.matches("/[0-9]{1,4}")) {
        throw new ConfigException(Setting.REDIS_URL, "the part after the host must be a database number, e.g. redis://host:6379/0");
      }
    }
    try {
      new io.vertx.redis.client.impl.RedisURI(url);
    } catch (RuntimeException e) {
      throw new ConfigException(Setting.REDIS_URL, "is not a URL the Redis client accepts (" + e.getClass().getSimpleName() + ")");
    }
    return url;
  }
}
