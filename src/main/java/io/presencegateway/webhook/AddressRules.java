package io.presencegateway.webhook;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which IP addresses a webhook may never reach (unless the operator allows private targets):
 * everything that is not a public unicast address. Pure; IPv6 forms that embed an IPv4 address
 * (IPv4-mapped, NAT64, 6to4) are judged by the address they embed.
 */
final class AddressRules {
  private record Cidr(byte[] prefix, int bits, String reason) {
    boolean contains(byte[] address) {
      if (address.length != prefix.length) {
        return false;
      }
      int full = bits / 8;
      for (int i = 0; i < full; i++) {
        if (address[i] != prefix[i]) {
          return false;
        }
      }
      int rest = bits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xFF << (8 - rest)) & 0xFF;
      return (address[full] & mask) == (prefix[full] & mask);
    }
  }

  private static final List<Cidr> RANGES = List.of(
      cidr("0.0.0.0", 8, "unspecified / this-network"),
      cidr("10.0.0.0", 8, "private (10/8)"),
      cidr("100.64.0.0", 10, "shared address space (CGNAT 100.64/10)"),
      cidr("127.0.0.0", 8, "loopback"),
      cidr("169.254.169.254", 32, "cloud metadata"),
      cidr("169.254.0.0", 16, "link-local"),
      cidr("172.16.0.0", 12, "private (172.16/12)"),
      cidr("192.0.0.0", 24, "IETF protocol assignments"),
      cidr("192.168.0.0", 16, "private (192.168/16)"),
      cidr("198.18.0.0", 15, "benchmarking"),
      cidr("224.0.0.0", 4, "multicast"),
      cidr("240.0.0.0", 4, "reserved / broadcast"),
      cidr("::", 128, "unspecified"),
      cidr("::1", 128, "loopback"),
      cidr("::", 96, "IPv4-compatible (deprecated)"),
      cidr("100::", 64, "discard-only"),
      cidr("fc00::", 7, "unique-local (fc00::/7)"),
      cidr("fe80::", 10, "link-local (fe80::/10)"),
      cidr("fec0::", 10, "site-local (deprecated)"),
      cidr("ff00::", 8, "multicast"));

  private AddressRules() {
  }

  /** Why the address is refused, or empty for a public unicast address. */
  static Optional<String> refusal(InetAddress address) {
    byte[] bytes = address.getAddress();
    Optional<byte[]> embedded = embeddedIpv4(bytes);
    if (embedded.isPresent()) {
      return match(embedded.get()).map(reason -> reason + " (embedded in IPv6)");
    }
    return match(bytes);
  }

  private static Optional<String> match(byte[] bytes) {
    return RANGES.stream().filter(c -> c.contains(bytes)).map(Cidr::reason).findFirst();
  }

  /** The IPv4 address inside ::ffff:a.b.c.d, 64:ff9b::a.b.c.d (NAT64) or 2002:aabb:ccdd:: (6to4). */
  private static Optional<byte[]> embeddedIpv4(byte[] b) {
    if (b.length != 16) {
      return Optional.empty();
    }
    boolean mapped = zero(b, 0, 10) && (b[10] & 0xFF) == 0xFF && (b[11] & 0xFF) == 0xFF;
    boolean nat64 = (b[0] & 0xFF) == 0x00 && (b[1] & 0xFF) == 0x64 && (b[2] & 0xFF) == 0xFF && (b[3] & 0xFF) == 0x9B
        && zero(b, 4, 12);
    if (mapped || nat64) {
      return Optional.of(Arrays.copyOfRange(b, 12, 16));
    }
    if ((b[0] & 0xFF) == 0x20 && (b[1] & 0xFF) == 0x02) {
      return Optional.of(Arrays.copyOfRange(b, 2, 6));
    }
    return Optional.empty();
  }

  private static boolean zero(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return true;
  }

  /** Parses literals only (never a DNS lookup); IPv4 ranges are kept as 4 bytes even for "::"-less forms. */
  private static Cidr cidr(String literal, int bits, String reason) {
    try {
      InetAddress a = InetAddress.getByName(literal);
      byte[] bytes = a.getAddress();
      if (!(a instanceof Inet4Address) && bytes.length == 4) {
        throw new IllegalStateException(literal);
      }
      return new Cidr(bytes, bits, reason);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("bad built-in range " + literal, e);
    }
  }
}
