package io.ringchat.client.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The generator's word-at-a-time scans give exactly what a byte at a time gives. */
class InboundBytesTest {
  private final Random random = new Random(20261205);

  @Test
  void shouldFindTheFirstByteAsALoopWould() {
    for (int round = 0; round < 20_000; round++) {
      byte[] a = new byte[1 + random.nextInt(40)];
      for (int i = 0; i < a.length; i++) {
        a[i] = (byte) (random.nextInt(4) == 0 ? '\n' : random.nextInt(256)); // 0x8a, 0x0b too
      }
      int from = random.nextInt(a.length);
      int to = from + random.nextInt(a.length - from + 1);
      assertThat(InboundBytes.indexOf(a, from, to, (byte) '\n'))
          .isEqualTo(naiveIndexOf(a, from, to));
    }
  }

  @Test
  void shouldFindTheFirstOfTwoBytesAsALoopWould() {
    for (int round = 0; round < 20_000; round++) {
      byte[] a = new byte[1 + random.nextInt(40)];
      for (int i = 0; i < a.length; i++) {
        int kind = random.nextInt(8);
        a[i] = (byte) (kind == 0 ? '\n' : kind == 1 ? ' ' : random.nextInt(256)); // 0xa0 too
      }
      int from = random.nextInt(a.length);
      int to = from + random.nextInt(a.length - from + 1);
      int expected = -1;
      for (int i = from; i < to && expected < 0; i++) {
        expected = a[i] == '\n' || a[i] == ' ' ? i : -1;
      }
      assertThat(InboundBytes.indexOfEither(a, from, to, (byte) ' ', (byte) '\n'))
          .isEqualTo(expected);
    }
  }

  @Test
  void shouldCountLeadingDigitsOfAnyWord() {
    for (int round = 0; round < 20_000; round++) {
      byte[] a = new byte[8];
      for (int i = 0; i < 8; i++) {
        // Mostly digits; otherwise the bytes either side of them and any other byte.
        int kind = random.nextInt(6);
        a[i] =
            (byte)
                (kind < 3
                    ? '0' + random.nextInt(10)
                    : kind == 3 ? '/' : kind == 4 ? ':' : random.nextInt(256));
      }
      int expected = 0;
      while (expected < 8 && a[expected] >= '0' && a[expected] <= '9') {
        expected++;
      }
      assertThat(InboundBytes.leadingDigits(InboundBytes.word(a, 0))).isEqualTo(expected);
    }
  }

  @Test
  void shouldReadTheValueOfOneToEightDigits() {
    for (int round = 0; round < 20_000; round++) {
      int count = 1 + random.nextInt(8);
      StringBuilder digits = new StringBuilder();
      for (int i = 0; i < count; i++) {
        digits.append((char) ('0' + random.nextInt(10)));
      }
      byte[] a = (digits + " x123456").getBytes(StandardCharsets.US_ASCII);
      assertThat(InboundBytes.digitsValue(InboundBytes.word(a, 0), count))
          .as(digits.toString())
          .isEqualTo(Long.parseLong(digits.toString()));
    }
    byte[] nines = "99999999".getBytes(StandardCharsets.US_ASCII);
    assertThat(InboundBytes.digitsValue(InboundBytes.word(nines, 0), 8)).isEqualTo(99_999_999L);
  }

  private static int naiveIndexOf(byte[] a, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
