package io.presencegateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Names the gateway's Lua scripts by the SHA-1 that {@code EVALSHA} carries, read from the very jar
 * under test ({@code lua/*.lua}), so that round trips can be told apart by script (apply vs. the
 * webhook queue's claim, for instance).
 */
final class LuaScripts {
  private LuaScripts() {
  }

  static Map<String, String> byShaIn(Path gatewayJar) throws IOException {
    Map<String, String> out = new HashMap<>();
    try (ZipFile jar = new ZipFile(gatewayJar.toFile())) {
      for (ZipEntry e : java.util.Collections.list(jar.entries())) {
        String name = e.getName();
        if (name.startsWith("lua/") && name.endsWith(".lua")) {
          try (InputStream in = jar.getInputStream(e)) {
            // the gateway hashes the script text as a UTF-8 string, exactly as here
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            out.put(sha1(text), name.substring(4, name.length() - 4));
          }
        }
      }
    }
    return out;
  }

  private static String sha1(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
