package io.presencegateway.testsupport;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Verification by the public Standard Webhooks implementation for JavaScript: the npm package
 * {@code standardwebhooks} (version pinned in {@code src/test/node/standardwebhooks/package-lock.json}),
 * run by {@code verify.js} there, which calls {@code new Webhook(secret).verify(rawBody, headers)} as a
 * receiver would. Shares no code with the gateway or with {@link StandardWebhooksVerifier}.
 *
 * <p>Never skips: when {@code node} or the package is missing, {@link #verify} throws an
 * {@link AssertionError} saying what to install ({@code scripts/test.sh} installs both). Secrets go to
 * the script on stdin only, never on a command line or into a message.
 */
public final class StandardWebhooksJs {
  /** The version package-lock.json pins; the script reports the one it loaded. */
  public static final String VERSION = "1.1.1";
  public static final Path DIR = Path.of("src", "test", "node", "standardwebhooks");

  /** One captured delivery to check with one secret. */
  public record Case(String secret, Map<String, String> headers, byte[] body) {
    JsonObject toJson() {
      JsonObject h = new JsonObject();
      headers.forEach(h::put);
      return new JsonObject().put("secret", secret).put("headers", h)
          .put("bodyBase64", Base64.getEncoder().encodeToString(body));
    }
  }

  /** The library's verdict on one case: the payload it returned, or the error it threw. */
  public record Result(boolean verified, Object payload, String error) { }

  private StandardWebhooksJs() {
  }

  /** Runs every case through the library in one node process; results in the same order. */
  public static List<Result> verify(List<Case> cases) {
    String node = nodeBinary();
    Path script = DIR.resolve("verify.js").toAbsolutePath();
    if (!Files.isRegularFile(script)) {
      throw new AssertionError("missing " + script);
    }
    JsonArray in = new JsonArray();
    cases.forEach(c -> in.add(c.toJson()));
    Path out = null;
    Path err = null;
    try {
      out = Files.createTempFile("standardwebhooks-out", ".json");
      err = Files.createTempFile("standardwebhooks-err", ".txt");
      Process p = new ProcessBuilder(node, script.toString()).directory(DIR.toAbsolutePath().toFile())
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      try (OutputStream stdin = p.getOutputStream()) {
        stdin.write(new JsonObject().put("cases", in).encode().getBytes(StandardCharsets.UTF_8));
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("node " + script + " did not finish within 60 s");
      }
      String stderr = Files.readString(err, StandardCharsets.UTF_8).trim();
      if (p.exitValue() != 0) {
        throw new AssertionError("node " + script.getFileName() + " exited " + p.exitValue() + ": " + stderr);
      }
      JsonObject answer = new JsonObject(Files.readString(out, StandardCharsets.UTF_8));
      if (!"standardwebhooks".equals(answer.getString("library")) || !VERSION.equals(answer.getString("version"))) {
        throw new AssertionError("expected standardwebhooks " + VERSION + ", the script loaded " + answer.getString("library")
            + " " + answer.getString("version") + " (run `npm ci` in " + DIR + ")");
      }
      JsonArray results = answer.getJsonArray("results");
      if (results == null || results.size() != cases.size()) {
        throw new AssertionError("expected " + cases.size() + " results, got " + answer.encode());
      }
      List<Result> list = new ArrayList<>();
      for (int i = 0; i < results.size(); i++) {
        JsonObject r = results.getJsonObject(i);
        list.add(new Result(Boolean.TRUE.equals(r.getBoolean("verified")), r.getValue("payload"), r.getString("error")));
      }
      return list;
    } catch (IOException e) {
      throw new AssertionError("could not run node " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while node ran", e);
    } finally {
      delete(out);
      delete(err);
    }
  }

  /** {@code node} (or Debian's older {@code nodejs}) on the PATH; an {@link AssertionError} when there is none. */
  static String nodeBinary() {
    String path = System.getenv("PATH") == null ? "" : System.getenv("PATH");
    for (String name : List.of("node", "nodejs")) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
          return Path.of(dir, name).toString();
        }
      }
    }
    throw new AssertionError("node is not installed (needed to verify signatures with the public standardwebhooks "
        + "package): run scripts/test.sh, which installs nodejs and npm and runs `npm ci` in " + DIR);
  }

  private static void delete(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // a temp file left behind is harmless
      }
    }
  }
}
