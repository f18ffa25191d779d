package io.presencegateway.poll;

import io.presencegateway.GatewayServices;
import io.presencegateway.config.GatewayConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Owns the poll timer and the Webex client (placeholder: built in issue 2). */
public final class PollerVerticle extends VerticleBase {
  private final GatewayServices services;
  private final GatewayConfig.Webex webex;

  public PollerVerticle(GatewayServices services, GatewayConfig.Webex webex) {
    this.services = services;
    this.webex = webex;
  }

  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }
}
