package io.presencegateway.http;

import io.vertx.ext.web.Router;

/** A part of the HTTP surface (an API or a channel) that adds its routes to the shared router. */
@FunctionalInterface
public interface RouteMount {
  void mount(Router router);
}
