package io.presencegateway.store.redis;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A Lua script from {@code src/main/resources/lua/}. Sent by SHA ({@code EVALSHA}); the caller falls
 * back to {@code EVAL} with the source when the server answers {@code NOSCRIPT} (a fresh or flushed
 * script cache), which also loads it for the next call.
 */
final class LuaScript {
  private final String name;
  private final String source;
  private final String sha;

  private LuaScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1(source);
  }

  /** Read once at store creation, before any event loop work. */
  static LuaScript load(String name) {
    String path = "/lua/" + name + ".lua";
    try (InputStream in = LuaScript.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Request evalSha(List<String> keys, List<String> args) {
    return withArgs(Request.cmd(Command.EVALSHA).arg(sha), keys, args);
  }

  Request eval(List<String> keys, List<String> args) {
    return withArgs(Request.cmd(Command.EVAL).arg(source), keys, args);
  }

  private static Request withArgs(Request request, List<String> keys, List<String> args) {
    request.arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  String name() {
    return name;
  }

  private static String sha1(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
