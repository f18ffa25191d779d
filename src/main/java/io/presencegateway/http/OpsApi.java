package io.presencegateway.http;

import io.presencegateway.metrics.GatewayMetrics;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;

/**
 * {@code GET /metrics} (Prometheus text: Vert.x's HTTP series when the launcher enabled them, and
 * the gateway's own) and {@code GET /openapi.yaml} (the contract requests are validated against).
 */
public final class OpsApi implements RouteMount {
  private final GatewayMetrics metrics;
  private final Buffer contract;

  public OpsApi(GatewayMetrics metrics, Buffer contract) {
    this.metrics = metrics;
    this.contract = contract;
  }

  @Override
  public void mount(Router router) {
    router.get("/metrics").handler(PrometheusScrapingHandler.create(metrics.registry()));
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8")
        .putHeader("Cache-Control", "no-cache").end(contract));
  }
}
