package io.presencegateway.http;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every error code the HTTP layer can send (found in the sources: {@code new ApiError(status, "code"},
 * the codes {@link ErrorMapper} derives from a status, WebSocket error messages) is in the table of
 * docs/API.md and in the contract's list of codes, and neither lists a code the code never sends.
 */
class ErrorCodesDocTest {
  private static final Pattern API_ERROR = Pattern.compile("new ApiError\\(\\s*\\d{3},\\s*\"([a-z_]+)\"");
  private static final Pattern MAPPED = Pattern.compile("case \\d{3}: return \"([a-z_]+)\"");
  private static final Pattern WS_ERROR = Pattern.compile("WsMessages\\.error\\(\"([a-z_]+)\"");

  @Test
  void theDocsAndTheContractListExactlyTheErrorCodesTheCodeSends() throws IOException {
    Set<String> sent = new TreeSet<>(Set.of("bad_request", "not_found")); // ApiError.badRequest / notFound
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/io/presencegateway"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java") && !f.toString().contains("/simulator/")).toList()) {
        String source = Files.readString(file);
        for (Pattern p : new Pattern[] {API_ERROR, MAPPED, WS_ERROR}) {
          Matcher m = p.matcher(source);
          while (m.find()) {
            sent.add(m.group(1));
          }
        }
      }
    }
    assertThat(sent).as("the scan found the codes").contains("store_unavailable", "payload_too_large", "method_not_allowed");

    Set<String> documented = new TreeSet<>();
    for (String line : Files.readAllLines(Path.of("docs/API.md"))) {
      Matcher row = Pattern.compile("^\\| \\d{3} \\| `([a-z_]+)` \\|").matcher(line);
      if (row.find()) {
        documented.add(row.group(1));
      }
    }
    assertThat(documented).as("the error table of docs/API.md").isEqualTo(sent);

    String contract = Files.readString(Path.of("src/main/resources/openapi.yaml"));
    Matcher examples = Pattern.compile("code:\\s+type: string\\s+examples: \\[([^\\]]+)]").matcher(contract);
    assertThat(examples.find()).as("the Error schema's code examples").isTrue();
    Set<String> listed = new TreeSet<>();
    for (String code : examples.group(1).split(",")) {
      listed.add(code.trim());
    }
    assertThat(listed).as("the codes listed in the contract's Error schema").isEqualTo(sent);
  }
}
