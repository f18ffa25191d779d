package io.presencegateway.cluster;

import io.presencegateway.MainVerticle;
import io.presencegateway.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * A gateway in a child JVM, configured by environment variables like the real one, so that a test
 * can kill it with SIGKILL: no stop hooks, no lease release, exactly a crashed instance.
 */
public final class GatewayProcess {
  public static final String READY = "GATEWAY-READY";

  private GatewayProcess() {
  }

  public static void main(String[] args) {
    MainVerticle main = new MainVerticle(ConfigLoader.load(new JsonObject(), System.getenv()));
    Vertx.vertx().deployVerticle(main).onComplete(ar -> {
      if (ar.succeeded()) {
        System.out.println(READY + " " + main.httpPort());
      } else {
        ar.cause().printStackTrace();
        System.exit(3);
      }
    });
  }
}
