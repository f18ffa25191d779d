package io.presencegateway.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import java.util.Map;

/**
 * Checks every request that the contract ({@code openapi.yaml}) describes against it before any
 * handler runs, so that bad input gets one uniform {@code 400 {"error":{"code","message"}}}
 * whichever API it is for. Requests the contract does not describe (the page's files, a wrong
 * method) pass through to the router and end in a 404, or a 405 ({@link #methodsAt}). Mounted after
 * the API key check and the body handler: an unauthenticated request is a 401 before its shape is
 * looked at.
 */
public final class ContractValidation implements Handler<RoutingContext> {
  /** The contract on the classpath; the same file is served at {@code GET /openapi.yaml}. */
  public static final String CONTRACT = "openapi.yaml";

  private final OpenAPIContract contract;
  private final Buffer source;
  private final RequestValidator validator;
  private final RequestExtractor extractor = RequestExtractor.withBodyHandler();

  private ContractValidation(Vertx vertx, OpenAPIContract contract, Buffer source) {
    this.contract = contract;
    this.source = source;
    this.validator = RequestValidator.create(vertx, contract);
  }

  public static Future<ContractValidation> load(Vertx vertx) {
    return vertx.fileSystem().readFile(CONTRACT).compose(yaml -> {
      JsonObject json = forRequestValidation(parse(yaml.toString()));
      return OpenAPIContract.from(vertx, json).map(c -> new ContractValidation(vertx, c, yaml));
    });
  }

  /** The YAML as JSON; snakeyaml comes with vertx-openapi. */
  @SuppressWarnings("unchecked")
  static JsonObject parse(String yaml) {
    return new JsonObject((Map<String, Object>) new Yaml(new LoaderOptions()).load(yaml));
  }

  /**
   * vertx-openapi refuses response media types it cannot validate (text/event-stream,
   * application/yaml). Only requests are validated here, so response bodies are dropped from the
   * copy it is given; the served document stays complete.
   */
  static JsonObject forRequestValidation(JsonObject contract) {
    JsonObject copy = contract.copy();
    JsonObject paths = copy.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      JsonObject item = paths.getJsonObject(path);
      for (String method : item.fieldNames()) {
        if (item.getValue(method) instanceof JsonObject op && op.getJsonObject("responses") != null) {
          dropContent(op.getJsonObject("responses"));
        }
      }
    }
    JsonObject components = copy.getJsonObject("components", new JsonObject());
    if (components.getJsonObject("responses") != null) {
      dropContent(components.getJsonObject("responses"));
    }
    return copy;
  }

  private static void dropContent(JsonObject responses) {
    for (String code : responses.fieldNames()) {
      if (responses.getValue(code) instanceof JsonObject response) {
        response.remove("content");
      }
    }
  }

  public OpenAPIContract contract() {
    return contract;
  }

  /**
   * The methods the contract describes at the path of a request (e.g. {@code [GET]}), empty when it
   * does not know the path: a request that no route took is a 405 with these as {@code Allow} when
   * there are some, a 404 otherwise.
   */
  public java.util.List<String> methodsAt(String path) {
    io.vertx.openapi.contract.Path known = contract.findPath(path);
    return known == null ? java.util.List.of()
        : known.getOperations().stream().map(o -> o.getHttpMethod().name()).sorted().toList();
  }

  /** The document as written in the repository, served at {@code /openapi.yaml}. */
  public Buffer source() {
    return source;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Operation operation = contract.findOperation(ctx.normalizedPath(), ctx.request().method());
    if (operation == null) {
      ctx.next();
      return;
    }
    // validation completes on a later turn: a WebSocket upgrade must not see its request ended by then
    boolean upgrade = "websocket".equalsIgnoreCase(ctx.request().getHeader("Upgrade"));
    if (upgrade) {
      ctx.request().pause();
    }
    extractor.extractValidatableRequest(ctx, operation)
        .compose(request -> validator.validate(request, operation.getOperationId()))
        .onSuccess(valid -> ctx.next())
        .onFailure(e -> ErrorMapper.send(ctx, ApiError.badRequest(describe(e))));
  }

  /**
   * A message naming the parameter or body field and the rule it breaks (the validator's words for
   * the most specific error), never echoing the value.
   */
  static String describe(Throwable e) {
    if (e instanceof SchemaValidationException schema && schema.getOutputUnit() != null) {
      OutputUnit deepest = deepest(schema.getOutputUnit());
      String where = deepest.getInstanceLocation() == null || deepest.getInstanceLocation().equals("#")
          ? "" : " at " + deepest.getInstanceLocation().replaceFirst("^#/?", "");
      String first = e.getMessage() == null ? "invalid request" : e.getMessage().replaceFirst(" Reason:.*", "");
      return first + where + (deepest.getError() == null ? "" : ": " + deepest.getError());
    }
    if (e instanceof ValidatorException && e.getMessage() != null && e.getMessage().contains("can't be decoded")) {
      return "the request body must be a JSON object (it could not be decoded)";
    }
    if (e instanceof ValidatorException) {
      return e.getMessage();
    }
    return "request does not match the API contract";
  }

  /** The most specific error: a leaf that states the rule (type, length …) rather than "does not match schema". */
  private static OutputUnit deepest(OutputUnit unit) {
    java.util.List<OutputUnit> all = new java.util.ArrayList<>();
    java.util.ArrayDeque<OutputUnit> todo = new java.util.ArrayDeque<>(java.util.List.of(unit));
    while (!todo.isEmpty() && all.size() < 256) {
      OutputUnit u = todo.poll();
      all.add(u);
      if (u.getErrors() != null) {
        todo.addAll(u.getErrors());
      }
    }
    return all.stream().filter(u -> u.getError() != null && !u.getError().contains("does not match"))
        .findFirst().orElse(all.get(all.size() - 1));
  }


}
