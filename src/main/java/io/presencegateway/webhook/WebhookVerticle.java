package io.presencegateway.webhook;

import io.presencegateway.GatewayServices;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/** Owns the outbound webhook client (placeholder: built in issue 2). */
public final class WebhookVerticle extends VerticleBase {
  private final GatewayServices services;

  public WebhookVerticle(GatewayServices services) {
    this.services = services;
  }

  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }
}
