package io.ringchat.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatSessionTest {
  @Test
  void shouldShowAKeptLinesTimeAsLocalTimeWithTheDateWhenNotFromToday() {
    ZoneId paris = ZoneId.of("Europe/Paris");
    long at = 1_764_770_001_203L; // 2025-12-03T13:53:21Z, 14:53 in Paris
    long sameDay = at + 3_600_000;
    long nextDay = at + 24 * 3_600_000;

    assertThat(ChatSession.localTime(at, paris, sameDay)).isEqualTo("14:53");
    assertThat(ChatSession.localTime(at, paris, nextDay)).isEqualTo("2025-12-03 14:53");
    assertThat(ChatSession.localTime(at, ZoneId.of("UTC"), sameDay)).isEqualTo("13:53");
  }

  @Test
  void shouldTellALostConnectionToAHandlerSetOnlyAfterwards() {
    ChatSession session =
        new ChatSession(
            new Screen() {
              @Override
              public void show(String line) {}

              @Override
              public void note(String line) {}
            });
    session.onClosed(); // the broker closed it right after the JOIN's answer...
    List<String> heard = new ArrayList<>();
    session.onLost(heard::add); // ...before the reconnector watched it

    assertThat(heard).containsExactly("the broker closed the connection");
  }

  @Test
  void shouldMeasureTheMessageLimitInUtf8BytesAfterTheSendPrefix() {
    assertThat(ChatSession.tooLong("x".repeat(4091))).isNull();
    assertThat(ChatSession.tooLong("x".repeat(4092)))
        .isEqualTo("not sent: the message is 4092 bytes; the limit is 4091 bytes (UTF-8)");
    assertThat(ChatSession.tooLong("\u00e9".repeat(2045) + "x")).as("4091 bytes").isNull();
    assertThat(ChatSession.tooLong("\u00e9".repeat(2046))).as("4092 bytes").isNotNull();
  }
}
