package io.presencegateway.sse;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseFrameTest {

  @Test
  void multiLineDataGetsOneDataLinePerLine() {
    String frame = SseFrame.create().id("5-1").event("note").data("a\nb\r\nc").toString();
    assertThat(frame).isEqualTo("id: 5-1\nevent: note\ndata: a\ndata: b\ndata: c\n\n");
  }

  @Test
  void retryAndCommentsAndNoLineBreakInFields() {
    assertThat(SseFrame.create().retry(2500).toString()).isEqualTo("retry: 2500\n\n");
    assertThat(SseFrame.create().comment("hb\nx").toString()).isEqualTo(": hb x\n\n");
    assertThat(SseFrame.create().event("a\nb").toString()).isEqualTo("event: a b\n\n");
  }

  @Test
  void eventAroundSerialisedJson() {
    Buffer frame = SseFrame.event("9-0", "user-presence", Buffer.buffer("{\"a\":1}"));
    assertThat(frame.toString()).isEqualTo("id: 9-0\nevent: user-presence\ndata: {\"a\":1}\n\n");
  }
}
