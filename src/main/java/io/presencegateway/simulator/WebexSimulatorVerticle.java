package io.presencegateway.simulator;

import io.presencegateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** A Webex-compatible People API on its own port (placeholder: built in issue 2). */
public final class WebexSimulatorVerticle extends VerticleBase {
  private final GatewayConfig.Simulator settings;
  private final String token;
  private int port;

  public WebexSimulatorVerticle(GatewayConfig.Simulator settings, String token) {
    this.settings = settings;
    this.token = token;
  }

  @Override
  public Future<?> start() {
    port = settings.port();
    return Future.succeededFuture();
  }

  public int actualPort() {
    return port;
  }
}
