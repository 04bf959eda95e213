package io.ringchat.client.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A generator's message text reads back as written, whatever the values and the size. */
class MessageTextTest {
  private final Random random = new Random(20261205);

  @Test
  void shouldReadBackEveryFieldAsWritten() {
    for (int round = 0; round < 20_000; round++) {
      int size = MessageText.FIELDS_LENGTH + random.nextInt(100);
      int sender = random.nextInt(MessageText.MAX_SENDERS);
      int seq = random.nextInt(Integer.MAX_VALUE);
      long sentNanos = random.nextLong(); // System.nanoTime() may be any long, negative too
      int at = random.nextInt(8); // the text anywhere in what was read
      byte[] a = new byte[at + size + 8];
      byte[] text = new byte[size];

      MessageText.write(text, size, sender, seq, sentNanos);
      System.arraycopy(text, 0, a, at, size);

      assertThat(MessageText.sender(a, at)).isEqualTo(sender);
      assertThat(MessageText.seq(a, at)).isEqualTo(seq);
      assertThat(MessageText.sentNanos(a, at)).isEqualTo(sentNanos);
    }
  }

  @Test
  void shouldWriteHexFieldsThenPadding() {
    byte[] text = new byte[40];

    MessageText.write(text, 40, 42, 1000, 0x1b69b4bba7400L);

    assertThat(new String(text, StandardCharsets.US_ASCII))
        .isEqualTo("00002a 000003e8 0001b69b4bba7400 xxxxxxx");
  }

  @Test
  void shouldFillTheSmallestSizeWithTheFieldsAlone() {
    byte[] text = new byte[MessageText.FIELDS_LENGTH];

    MessageText.write(text, text.length, MessageText.MAX_SENDERS - 1, -1, -1L);

    assertThat(new String(text, StandardCharsets.US_ASCII))
        .isEqualTo("ffffff ffffffff ffffffffffffffff");
  }

  @Test
  void shouldReadEightHexDigitsAsLongParseLongDoes() {
    for (int round = 0; round < 20_000; round++) {
      String digits = String.format("%08x", random.nextInt());
      byte[] a = digits.getBytes(StandardCharsets.US_ASCII);

      assertThat(MessageText.hexValue(InboundBytes.word(a, 0)))
          .as(digits)
          .isEqualTo(Long.parseLong(digits, 16));
    }
  }
}
