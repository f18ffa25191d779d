package io.presencegateway.browser;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Blocking HTTP for the test thread (never an event loop): read presence, drive the simulator. */
final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {
  }

  /** The items of GET /v1/presence; empty when the gateway answers with anything but 200. */
  static JsonArray presence(String gatewayBase) {
    return items(gatewayBase + "/v1/presence");
  }

  /** The items of GET /v1/people (name, e-mail, status of each watched person). */
  static JsonArray people(String gatewayBase) {
    return items(gatewayBase + "/v1/people");
  }

  private static JsonArray items(String url) {
    try {
      HttpResponse<String> res = CLIENT.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return res.statusCode() == 200 ? new JsonObject(res.body()).getJsonArray("items") : new JsonArray();
    } catch (IOException e) {
      return new JsonArray();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** POSTs a JSON body and returns the JSON answer; fails unless the answer is 2xx. */
  static JsonObject postJson(String url, JsonObject body) {
    return json(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())));
  }

  /** GETs a JSON answer; fails unless it is 2xx. */
  static JsonObject getJson(String url) {
    return json(HttpRequest.newBuilder(URI.create(url)).GET());
  }

  private static JsonObject json(HttpRequest.Builder request) {
    try {
      HttpResponse<String> res = CLIENT.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() / 100 != 2) {
        throw new IllegalStateException("HTTP " + res.statusCode() + ": " + res.body());
      }
      return new JsonObject(res.body());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sets a person's status through the simulator's control endpoint. */
  static void setStatus(int simulatorPort, String personId, String status) {
    URI uri = URI.create("http://127.0.0.1:" + simulatorPort + "/v1/simulator/people/" + personId);
    String body = new JsonObject().put("status", status).encode();
    try {
      HttpResponse<String> res = CLIENT.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
          .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() / 100 != 2) {
        throw new IllegalStateException("simulator refused the status change: " + res.statusCode() + " " + res.body());
      }
    } catch (IOException e) {
      throw new IllegalStateException("simulator control endpoint unreachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
