package io.presencegateway.webhook;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The SSRF guard for webhook targets. A target is checked twice: when it is configured (shape,
 * name and the addresses it resolves to then) and at every connect, because DNS can change. The
 * connect-time check hands back the one checked address, and the sender connects to exactly that
 * address (with the original host as Host header and SNI), so a DNS rebind between the check and
 * the connect cannot slip through. With {@code allowPrivate} (tests, local demos) every resolved
 * address is accepted, but the scheme and host-shape rules still apply.
 */
public final class TargetGuard {
  /** Names that reach cloud metadata services without looking like an address. */
  private static final Set<String> METADATA_NAMES = Set.of("metadata.google.internal", "metadata.goog", "metadata",
      "instance-data", "instance-data.ec2.internal", "metadata.azure.internal", "metadata.packet.net");
  private static final Pattern CANONICAL_IPV4 =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  /** Every label numeric (decimal, 0-octal, 0x-hex): what inet_aton and many URL parsers read as an address. */
  private static final Pattern NUMERIC_HOST = Pattern.compile("((0x[0-9a-f]*|\\d+)\\.?){1,4}");

  /** Resolves a host name to its addresses; may block (it runs on a worker thread). */
  @FunctionalInterface
  public interface HostResolver {
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** A target and the one address, already checked, to connect to. */
  public record Resolved(WebhookTarget target, InetAddress address) { }

  /** Bound on {@link #checked}: past it the cache starts over (targets are few; this only caps a churn). */
  static final int CHECKED_CACHE = 10_000;

  private final boolean allowPrivate;
  private final HostResolver resolver;
  /**
   * What {@link #resolve} found for a URL without DNS (shape, literal address), which depends on
   * nothing but the URL and {@code allowPrivate}: computed once per URL instead of per attempt. A
   * name's addresses are never kept: it is resolved and checked at every attempt.
   */
  private final Map<URI, Resolved> checked = new ConcurrentHashMap<>();

  public TargetGuard(boolean allowPrivate) {
    this(allowPrivate, InetAddress::getAllByName);
  }

  public TargetGuard(boolean allowPrivate, HostResolver resolver) {
    this.allowPrivate = allowPrivate;
    this.resolver = resolver;
  }

  /**
   * Checks what can be checked without DNS: scheme, credentials, host shape, metadata names and
   * IP literals.
   *
   * @throws TargetRefusedException naming the host and why
   */
  public WebhookTarget checkStatic(URI url) {
    WebhookTarget target = WebhookTarget.of(url);
    String host = target.host();
    if (!target.ipv6Literal() && NUMERIC_HOST.matcher(host).matches() && !CANONICAL_IPV4.matcher(host).matches()) {
      // 0x7f.1, 2130706433, 0177.0.0.1: parsers disagree on these (Java reads 0177 as 177), so none is trusted
      throw new TargetRefusedException("host '" + host + "' is a non-canonical IPv4 encoding; write it as a.b.c.d");
    }
    if (!allowPrivate && METADATA_NAMES.contains(host)) {
      throw new TargetRefusedException("host '" + host + "' is a cloud metadata service");
    }
    if (isLiteral(target)) {
      check(host, literal(host));
    }
    return target;
  }

  /**
   * Resolves the target's host off the event loop and checks every address it has; the result is
   * the address to connect to.
   */
  public Future<Resolved> resolve(Vertx vertx, URI url) {
    Resolved known = checked.get(url);
    if (known == null) {
      try {
        WebhookTarget target = checkStatic(url);
        known = new Resolved(target, isLiteral(target) ? literal(target.host()) : null);
      } catch (TargetRefusedException e) {
        return Future.failedFuture(e);
      }
      if (checked.size() >= CHECKED_CACHE) {
        checked.clear();
      }
      checked.put(url, known);
    }
    if (known.address() != null) {
      return Future.succeededFuture(known); // an IP literal: checked above, no DNS involved
    }
    WebhookTarget target = known.target();
    return vertx.executeBlocking(() -> resolver.resolve(target.host()), false)
        .map(addresses -> new Resolved(target, checkAll(target.host(), addresses)));
  }

  /** All addresses must pass: a name with one private address among public ones is refused. */
  private InetAddress checkAll(String host, InetAddress[] addresses) {
    if (addresses == null || addresses.length == 0) {
      throw new TargetRefusedException("host '" + host + "' resolves to no address");
    }
    for (InetAddress a : addresses) {
      check(host, a);
    }
    return addresses[0];
  }

  private void check(String host, InetAddress address) {
    if (allowPrivate) {
      return;
    }
    Optional<String> refusal = AddressRules.refusal(address);
    if (refusal.isPresent()) {
      String shown = host.equals(address.getHostAddress()) ? "" : " resolves to " + address.getHostAddress() + ", which";
      throw new TargetRefusedException("host '" + host + "'" + shown + " is " + refusal.get()
          + " (allowed only with WEBHOOK_ALLOW_PRIVATE_TARGETS=true)");
    }
  }

  private static boolean isLiteral(WebhookTarget target) {
    return target.ipv6Literal() || CANONICAL_IPV4.matcher(target.host()).matches();
  }

  /** An IP literal to an address; never a DNS lookup. */
  private static InetAddress literal(String host) {
    if (host.contains("%")) {
      throw new TargetRefusedException("host '" + host + "' carries an IPv6 zone id");
    }
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new TargetRefusedException("host '" + host + "' is not a valid IP address");
    }
  }
}
