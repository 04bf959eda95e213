package io.ringchat.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** One encoder for many messages: nothing of one message's lines may leak into the next's. */
class PostLinesTest {
  private final PostLines lines = new PostLines();
  private final ByteBuf out = Unpooled.buffer();

  @Test
  void shouldEncodeEachStagedMessageAsItsOwnPostAndSentLines() {
    assertThat(post(9, 1764770001203L, "alice", "hi")).isEqualTo("POST 9 1764770001203 alice hi\n");
    assertThat(sent()).isEqualTo("SENT 9 1764770001203\n");
    // The same millisecond again (its digits are reused), a seq one digit longer, a shorter name.
    assertThat(post(10, 1764770001203L, "bo", "x")).isEqualTo("POST 10 1764770001203 bo x\n");
    assertThat(sent()).isEqualTo("SENT 10 1764770001203\n");
    // A new millisecond, and a seq and time shorter than the last ones: no stale digits.
    assertThat(post(7, 5, "a-much-longer-name-of-32-bytes-x", ""))
        .isEqualTo("POST 7 5 a-much-longer-name-of-32-bytes-x \n");
    assertThat(sent()).isEqualTo("SENT 7 5\n");
    assertThat(post(7, 1764770001204L, "é", "ü")).isEqualTo("POST 7 1764770001204 é ü\n");
  }

  @Test
  void shouldCountTheSeqUpAcrossEveryCarryAndEveryChangeOfMillisecond() {
    long millis = 1764770001203L;
    for (long seq = 0; seq <= 100_100; seq++) {
      if (seq % 7 == 0) {
        millis++;
      }
      String expected = "POST " + seq + " " + millis + " bob t\n";
      assertThat(post(seq, millis, "bob", "t")).as("seq %d", seq).isEqualTo(expected);
      if (seq % 1000 == 999) {
        assertThat(sent()).isEqualTo("SENT " + seq + " " + millis + "\n");
      }
    }
    // Back to an earlier seq (another room's encoder, a test): written afresh.
    assertThat(post(42, 1, "bob", "t")).isEqualTo("POST 42 1 bob t\n");
    assertThat(post(43, 1, "bob", "t")).isEqualTo("POST 43 1 bob t\n");
  }

  @Test
  void shouldNeverWriteMoreThanTheLengthsItPromises() {
    String name = "n".repeat(Name.MAX_BYTES);
    String line = post(Long.MAX_VALUE, Long.MAX_VALUE, name, "text");
    assertThat(line.length()).isLessThanOrEqualTo(PostLines.postLength(Name.MAX_BYTES, 4));
    assertThat(sent().length()).isLessThanOrEqualTo(PostLines.sentLength());
  }

  private String post(long seq, long millis, String name, String text) {
    out.clear();
    lines
        .stage(seq, millis)
        .writePost(
            out,
            name.getBytes(StandardCharsets.UTF_8),
            Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    return out.toString(StandardCharsets.UTF_8);
  }

  private String sent() {
    out.clear();
    lines.writeSent(out);
    return out.toString(StandardCharsets.UTF_8);
  }
}
