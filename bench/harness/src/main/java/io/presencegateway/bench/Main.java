package io.presencegateway.bench;

import java.util.Arrays;

/**
 * Entry point of the benchmark harness: {@code java -jar bench-harness.jar <command> --option value ...}.
 * Each command is one step a bench script needs; the scripts own the processes (gateway, simulator,
 * Redis), this jar only talks to them over loopback HTTP, /proc and the Redis protocol.
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] argv) throws Exception {
    if (argv.length == 0) {
      usage();
      System.exit(2);
    }
    Args args = Args.parse(Arrays.copyOfRange(argv, 1, argv.length));
    switch (argv[0]) {
      case "poll-run" -> PollRun.main(args);
      case "poll-report" -> PollReport.main(args);
      case "webhooks-run" -> WebhookRun.main(args);
      case "webhooks-report" -> WebhookReport.main(args);
      default -> {
        usage();
        System.exit(2);
      }
    }
  }

  private static void usage() {
    System.err.println("usage: bench-harness.jar poll-run|poll-report|webhooks-run|webhooks-report --option value ...");
  }
}
