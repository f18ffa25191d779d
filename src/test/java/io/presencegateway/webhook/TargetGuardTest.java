package io.presencegateway.webhook;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
class TargetGuardTest {
  private final TargetGuard strict = new TargetGuard(false);

  @ParameterizedTest
  @ValueSource(strings = {
      "http://169.254.169.254/latest/meta-data/",
      "http://metadata.google.internal/computeMetadata/v1/",
      "http://metadata.goog/",
      "http://100.100.100.200/latest/meta-data/",
      "http://[fd00:ec2::254]/latest/meta-data/",
      "http://192.0.0.192/",
      "http://127.0.0.1/",
      "http://127.8.9.10:8080/",
      "http://2130706433/",
      "http://0x7f.1/",
      "http://0x7f000001/",
      "http://017700000001/",
      "http://0177.0.0.1/",
      "http://127.1/",
      "http://10.0.0.1/",
      "http://172.16.5.4/",
      "http://172.31.255.255/",
      "http://192.168.1.1/",
      "http://100.64.0.1/",
      "http://169.254.1.1/",
      "http://0.0.0.0/",
      "http://224.0.0.1/",
      "http://255.255.255.255/",
      "http://[::1]/",
      "http://[::]/",
      "http://[fe80::1]/",
      "http://[fc00::1]/",
      "http://[ff02::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::ffff:7f00:1]/",
      "http://[::ffff:169.254.169.254]/",
      "http://[::ffff:10.0.0.1]/",
      "http://[64:ff9b::7f00:1]/",
      "http://[2002:7f00:1::]/",
      "http://[::127.0.0.1]/",
      "http://localhost/",
      "http://LOCALHOST./",
      "ftp://93.184.216.34/",
      "file:///etc/passwd",
      "gopher://93.184.216.34/",
      "http://user:pw@93.184.216.34/",
  })
  void hostileTargetsAreRefused(String url, Vertx vertx) {
    assertRefused(strict, vertx, url);
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://93.184.216.34/hook", "http://8.8.8.8:8080/x?y=1", "https://[2606:4700:4700::1111]/",
      "http://172.32.0.1/", "http://100.128.0.1/", "http://[::ffff:8.8.8.8]/"})
  void publicLiteralsAreAllowed(String url, Vertx vertx) throws Exception {
    TargetGuard.Resolved r = await(strict.resolve(vertx, URI.create(url)));
    assertThat(AddressChecks.isPublic(r.address())).isTrue();
  }

  @Test
  void allowPrivateOpensAddressesButNotSchemesOrAmbiguousEncodings(Vertx vertx) throws Exception {
    TargetGuard open = new TargetGuard(true);
    assertThat(await(open.resolve(vertx, URI.create("http://127.0.0.1:9/"))).address().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(await(open.resolve(vertx, URI.create("http://localhost:9/"))).address().isLoopbackAddress()).isTrue();
    assertRefused(open, vertx, "ftp://127.0.0.1/");
    assertRefused(open, vertx, "http://0x7f.1/");
  }

  @Test
  void aNameIsRefusedWhenAnyOfItsAddressesIsPrivate(Vertx vertx) {
    TargetGuard guard = new TargetGuard(false, host -> new InetAddress[] {ip("93.184.216.34"), ip("10.1.2.3")});
    assertRefused(guard, vertx, "https://mixed.example/");
  }

  /** DNS rebinding: every connect resolves again, so a name that turns private later is refused then. */
  @Test
  void everyResolveChecksAgain(Vertx vertx) throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    TargetGuard guard = new TargetGuard(false,
        host -> new InetAddress[] {lookups.getAndIncrement() == 0 ? ip("93.184.216.34") : ip("127.0.0.1")});
    URI url = URI.create("https://rebind.example/hook");

    assertThat(await(guard.resolve(vertx, url)).address().getHostAddress()).isEqualTo("93.184.216.34");
    assertRefused(guard, vertx, url.toString());
    assertThat(lookups.get()).isEqualTo(2);
  }

  /**
   * The DNS-free part of the check is kept per URL (it depends on nothing else); names are still
   * looked up and checked at every attempt, and a refused URL stays refused however often it is asked.
   */
  @Test
  void theSameUrlAskedAgainGivesTheSameAnswerAndANameIsStillLookedUpEachTime(Vertx vertx) throws Exception {
    AtomicInteger lookups = new AtomicInteger();
    TargetGuard guard = new TargetGuard(false, host -> {
      lookups.incrementAndGet();
      return new InetAddress[] {ip("93.184.216.34")};
    });
    URI literal = URI.create("https://93.184.216.34:8443/hook");
    URI name = URI.create("https://hooks.example/hook");
    for (int i = 0; i < 3; i++) {
      TargetGuard.Resolved r = await(guard.resolve(vertx, literal));
      assertThat(r.address().getHostAddress()).isEqualTo("93.184.216.34");
      assertThat(r.target().port()).isEqualTo(8443);
      assertThat(await(guard.resolve(vertx, name)).target().host()).isEqualTo("hooks.example");
      assertRefused(guard, vertx, "http://10.0.0.7/hook");
      assertRefused(guard, vertx, "http://0x7f.1/hook");
    }
    assertThat(lookups.get()).as("one lookup per attempt at the name, none for literals").isEqualTo(3);
  }

  @Test
  void refusalNamesTheHostAndReason(Vertx vertx) {
    assertThatThrownBy(() -> await(strict.resolve(vertx, URI.create("http://localhost:1234/"))))
        .hasRootCauseInstanceOf(TargetRefusedException.class)
        .rootCause().hasMessageContaining("localhost").hasMessageContaining("loopback")
        .hasMessageContaining("WEBHOOK_ALLOW_PRIVATE_TARGETS");
  }

  private static void assertRefused(TargetGuard guard, Vertx vertx, String url) {
    assertThatThrownBy(() -> await(guard.resolve(vertx, URI.create(url))))
        .as(url).hasRootCauseInstanceOf(TargetRefusedException.class);
  }

  private static <T> T await(io.vertx.core.Future<T> f) throws ExecutionException, InterruptedException,
      java.util.concurrent.TimeoutException {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Independent of AddressRules: what the JDK itself calls non-public. */
  private static final class AddressChecks {
    static boolean isPublic(InetAddress a) {
      return !(a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress()
          || a.isMulticastAddress());
    }
  }
}
