package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChatSessionTest {
  @Test
  void shouldMeasureTheMessageLimitInUtf8BytesAfterTheSendPrefix() {
    assertThat(ChatSession.tooLong("x".repeat(4091))).isNull();
    assertThat(ChatSession.tooLong("x".repeat(4092)))
        .isEqualTo("not sent: the message is 4092 bytes; the limit is 4091 bytes (UTF-8)");
    assertThat(ChatSession.tooLong("\u00e9".repeat(2045) + "x")).as("4091 bytes").isNull();
    assertThat(ChatSession.tooLong("\u00e9".repeat(2046))).as("4092 bytes").isNotNull();
  }
}
