package io.presencegateway.browser;

import io.presencegateway.MainVerticle;
import io.presencegateway.config.GatewayConfig;
import io.presencegateway.config.RawSettings;
import io.presencegateway.config.Setting;
import io.presencegateway.simulator.WebexSimulatorVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway in this JVM, on its own Vert.x instance so that stopping it is exactly what an
 * operator's restart looks like to a browser: every connection drops, the port stops answering.
 */
final class RunningGateway implements AutoCloseable {
  private static final long START_SECONDS = 60;

  private final Vertx vertx;
  private final MainVerticle main;

  private RunningGateway(Vertx vertx, MainVerticle main) {
    this.vertx = vertx;
    this.main = main;
  }

  /** Settings every browser test shares: loopback only, a fast poll, no random simulator changes. */
  static RawSettings testSettings() {
    return RawSettings.defaults()
        .with(Setting.HTTP_HOST, "127.0.0.1")
        .with(Setting.HTTP_PORT, 0)
        .with(Setting.SIMULATOR_HOST, "127.0.0.1")
        .with(Setting.SIMULATOR_PORT, 0)
        .with(Setting.SIMULATOR_PEOPLE, 12)
        .with(Setting.SIMULATOR_CHANGE_INTERVAL_MS, 0)
        .with(Setting.POLL_INTERVAL_MS, 300);
  }

  static RunningGateway start(RawSettings settings) {
    Vertx vertx = Vertx.vertx();
    MainVerticle main = new MainVerticle(GatewayConfig.from(settings));
    try {
      await(vertx.deployVerticle(main));
    } catch (RuntimeException e) {
      await(vertx.close());
      throw e;
    }
    return new RunningGateway(vertx, main);
  }

  int httpPort() {
    return main.httpPort();
  }

  int simulatorPort() {
    return main.simulatorPort();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + httpPort();
  }

  @Override
  public void close() {
    await(vertx.close());
  }

  /** A port that was free a moment ago, for a gateway that must come back on the same port. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(START_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("gateway start/stop did not complete: " + e.getMessage(), e);
    }
  }

  /**
   * The Webex simulator on its own, outliving gateway restarts, so that a status can be changed
   * while the gateway is down (the gateway then polls it with SOURCE=webex, like real Webex).
   */
  static final class Simulator implements AutoCloseable {
    final String token = "browser-test-token";
    private final Vertx vertx = Vertx.vertx();
    private final WebexSimulatorVerticle verticle;

    Simulator(RawSettings settings) {
      verticle = new WebexSimulatorVerticle(GatewayConfig.from(settings).simulator(), token);
      await(vertx.deployVerticle(verticle));
    }

    int port() {
      return verticle.actualPort();
    }

    /** Gateway settings that poll this simulator as if it were Webex. */
    RawSettings gatewaySettings(RawSettings base, int httpPort) {
      return base.with(Setting.SOURCE, "webex")
          .with(Setting.WEBEX_BASE_URL, "http://127.0.0.1:" + port() + "/v1")
          .with(Setting.WEBEX_TOKEN, token)
          .with(Setting.HTTP_PORT, httpPort);
    }

    @Override
    public void close() {
      await(vertx.close());
    }
  }
}
