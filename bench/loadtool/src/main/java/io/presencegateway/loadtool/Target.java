package io.presencegateway.loadtool;

/** Where the subscribers connect: loopback host, port and the two stream paths. */
record Target(String host, int port, String ssePath, String wsPath, Flavour flavour, int connectTimeoutMs) {
  Target {
    if (!host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
      throw new IllegalArgumentException("the load tool only targets loopback, got host " + host);
    }
  }
}
