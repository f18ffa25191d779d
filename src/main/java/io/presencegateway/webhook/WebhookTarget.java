package io.presencegateway.webhook;

import java.net.URI;
import java.util.Locale;

/**
 * A webhook URL taken apart the one way the sender uses it: scheme, host (no brackets, lower case,
 * no trailing dot), port and request URI. Parsing it once here means the guard checks exactly the
 * host the client will connect to.
 */
public record WebhookTarget(URI url, boolean ssl, String host, int port, String requestUri) {

  /** @throws TargetRefusedException when the URL is not a plain http(s) URL with a host */
  public static WebhookTarget of(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new TargetRefusedException("only http and https targets are allowed, not '" + scheme + "'");
    }
    if (url.getRawUserInfo() != null) {
      throw new TargetRefusedException("a target URL must not carry credentials (user@host)");
    }
    String host = hostOf(url);
    boolean ssl = scheme.equals("https");
    int port = url.getPort() == -1 ? (ssl ? 443 : 80) : url.getPort();
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    String query = url.getRawQuery() == null ? "" : "?" + url.getRawQuery();
    return new WebhookTarget(url, ssl, host, port, path + query);
  }

  /**
   * The host, normalised. {@link URI} leaves the host null for authorities it cannot read as a
   * host name or dotted quad (e.g. {@code 0x7f.1}); those are refused here with what was given.
   */
  private static String hostOf(URI url) {
    String host = url.getHost();
    if (host == null || host.isEmpty()) {
      String authority = url.getRawAuthority();
      throw new TargetRefusedException("target has no valid host" + (authority == null ? "" : ": '" + shorten(authority) + "'")
          + " (numeric hosts must be written as a.b.c.d)");
    }
    host = host.toLowerCase(Locale.ROOT);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    while (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (host.isEmpty()) {
      throw new TargetRefusedException("target has an empty host");
    }
    return host;
  }

  public boolean ipv6Literal() {
    return host.indexOf(':') >= 0;
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }
}
