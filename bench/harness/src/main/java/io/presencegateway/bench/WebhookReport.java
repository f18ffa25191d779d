package io.presencegateway.bench;

final class WebhookReport {
  static void main(Args a) {
    throw new UnsupportedOperationException();
  }
}
