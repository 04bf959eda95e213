package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Random;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** One broker's kept egress: numbered, the newest within a byte budget, never none. */
class KeptEgressTest {
  @Test
  void shouldNumberFromOneAndDropTheOldestPastTheBudget() {
    KeptEgress kept = new KeptEgress(100);
    for (int i = 1; i <= 40; i++) {
      assertThat(add(kept, new byte[] {(byte) i, 0, 0, 0, 0, 0, 0, 0, 0, 0})).isEqualTo(i);
    }
    assertThat(kept.last()).isEqualTo(40);
    assertThat(kept.firstKept()).isEqualTo(31);
    assertThat(kept.bytes()).isEqualTo(100);
    assertThat(get(kept, 31)[0]).isEqualTo((byte) 31);
    assertThat(get(kept, 40)[0]).isEqualTo((byte) 40);
  }

  @Test
  void shouldKeepTheNewestEvenWhenItAloneIsOverTheBudget() {
    KeptEgress kept = new KeptEgress(4);
    add(kept, new byte[10]);
    add(kept, new byte[10]);
    assertThat(kept.firstKept()).isEqualTo(2);
    assertThat(get(kept, 2)).hasSize(10);
  }

  @Test
  void shouldNumberOnFromARestoredPosition() {
    KeptEgress kept = new KeptEgress(100);
    kept.restartAfter(7);
    assertThat(kept.firstKept()).as("nothing kept").isEqualTo(8);
    assertThat(add(kept, new byte[1])).isEqualTo(8);
  }

  @Test
  void shouldReadAMessageBackWholeWhereItMeetsTheStoresEnd() {
    // The store starts at 64 KiB: three of 30,000 bytes within a 64-KiB budget put the third
    // across the end, split in two.
    KeptEgress kept = new KeptEgress(64 * 1024);
    for (int i = 1; i <= 3; i++) {
      add(kept, filled(30_000, i));
    }
    assertThat(kept.firstKept()).isEqualTo(2);
    assertThat(get(kept, 2)).isEqualTo(filled(30_000, 2));
    assertThat(get(kept, 3)).isEqualTo(filled(30_000, 3));
  }

  @Test
  void shouldKeepExactlyWhatAListOfCopiesWouldThroughGrowthAndWrapping() {
    // The model: every message a copy of its own, the newest within the budget, never none. Sizes
    // from 1 byte to past the budget, so that the store grows, wraps and keeps one alone.
    Random random = new Random(20261206);
    for (long budget : new long[] {100_000, 200_000, 300_000}) {
      KeptEgress kept = new KeptEgress(budget);
      ArrayDeque<byte[]> model = new ArrayDeque<>();
      long modelBytes = 0;
      for (int n = 1; n <= 5_000; n++) {
        int length =
            random.nextInt(20) == 0 ? 1 + random.nextInt(400_000) : 1 + random.nextInt(9_000);
        byte[] message = filled(length, n);
        assertThat(add(kept, message)).isEqualTo(n);
        model.addLast(message);
        modelBytes += length;
        while (model.size() > 1 && modelBytes > budget) {
          modelBytes -= model.removeFirst().length;
        }
        assertThat(kept.firstKept()).isEqualTo(n - model.size() + 1);
        assertThat(kept.bytes()).isEqualTo(modelBytes);
        long number = kept.firstKept();
        for (byte[] expected : model) {
          assertThat(Arrays.equals(get(kept, number), expected)).as("message %d", number).isTrue();
          number++;
        }
      }
    }
  }

  private static long add(KeptEgress kept, byte[] message) {
    // Offset 3 in a larger buffer: the bytes are copied from where the message starts.
    byte[] padded = new byte[message.length + 5];
    System.arraycopy(message, 0, padded, 3, message.length);
    return kept.add(new UnsafeBuffer(padded), 3, message.length);
  }

  private static byte[] get(KeptEgress kept, long number) {
    UnsafeBuffer view = new UnsafeBuffer(0, 0);
    byte[] bytes = new byte[kept.wrap(number, view)];
    view.getBytes(0, bytes);
    return bytes;
  }

  /** {@code length} bytes that differ from those of any other {@code n}. */
  private static byte[] filled(int length, int n) {
    byte[] bytes = new byte[length];
    for (int i = 0; i < length; i++) {
      bytes[i] = (byte) (n * 31 + i);
    }
    return bytes;
  }
}
