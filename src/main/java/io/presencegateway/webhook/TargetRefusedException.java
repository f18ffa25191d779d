package io.presencegateway.webhook;

/** A webhook target the SSRF guard will not contact; the message names the host and the reason, never a secret. */
public final class TargetRefusedException extends RuntimeException {
  public TargetRefusedException(String message) {
    super(message, null, false, false);
  }
}
