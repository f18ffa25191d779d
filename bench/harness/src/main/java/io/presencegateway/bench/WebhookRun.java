package io.presencegateway.bench;

final class WebhookRun {
  static void main(Args a) {
    throw new UnsupportedOperationException();
  }
}
