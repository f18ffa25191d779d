package io.presencegateway.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the per-run JSON lines a bench collected and writes its two result files. */
final class ResultFiles {
  private ResultFiles() {
  }

  static List<JsonObject> lines(Path file) throws IOException {
    List<JsonObject> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        out.add(new JsonObject(line));
      }
    }
    return out;
  }

  /** {@code <base>.json} (pretty) and {@code <base>.md}. */
  static void write(String base, JsonObject json, String markdown) throws IOException {
    Files.writeString(Path.of(base + ".json"), json.encodePrettily() + "\n");
    Files.writeString(Path.of(base + ".md"), markdown);
    System.out.println(markdown);
  }
}
