package io.ringchat.client.load;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The generator's view of what it read: the bytes copied once into its loop's array, then scanned
 * as plain bytes. At millions of lines a second the generator, not the broker, is what limits a run
 * on a small machine, and reading a {@link ByteBuf} a byte at a time pays a bounds and
 * reference-count check per byte; one bulk copy per read and array scans leave more of the machine
 * to the broker being measured.
 */
final class InboundBytes {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private static final FastThreadLocal<byte[][]> COPIES =
      new FastThreadLocal<>() {
        @Override
        protected byte[][] initialValue() {
          return new byte[][] {new byte[64 * 1024]};
        }
      };

  private InboundBytes() {}

  /**
   * {@code head[0, headLength)} and then the readable bytes of {@code in}, copied into this
   * thread's array from index 0 (valid until the thread's next call; {@code in} is not read).
   */
  static byte[] join(byte[] head, int headLength, ByteBuf in) {
    byte[][] holder = COPIES.get();
    int length = headLength + in.readableBytes();
    if (holder[0].length < length) {
      holder[0] = new byte[Math.max(length, holder[0].length * 2)];
    }
    System.arraycopy(head, 0, holder[0], 0, headLength);
    in.getBytes(in.readerIndex(), holder[0], headLength, in.readableBytes());
    return holder[0];
  }

  /** The index of the first {@code b} in {@code a[from, to)}, or -1: eight bytes at a step. */
  static int indexOf(byte[] a, int from, int to, byte b) {
    long pattern = ONES * (b & 0xff);
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long x = (long) LONGS.get(a, i) ^ pattern; // a zero byte where a[i + k] == b
      long found = (x - ONES) & ~x & HIGHS; // its lowest set byte is the first zero byte
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (a[i] == b) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The index of the first {@code b} or {@code c} in {@code a[from, to)}, or -1: eight bytes at a
   * step. Each byte's own search flags its first match exactly (a false flag only ever follows a
   * true one), so the lowest flag of the two is the first of either.
   */
  static int indexOfEither(byte[] a, int from, int to, byte b, byte c) {
    long patternB = ONES * (b & 0xff);
    long patternC = ONES * (c & 0xff);
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      long word = (long) LONGS.get(a, i);
      long x = word ^ patternB;
      long y = word ^ patternC;
      long found = (((x - ONES) & ~x) | ((y - ONES) & ~y)) & HIGHS;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (a[i] == b || a[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code a[from, to)} starts with {@code prefix}. */
  static boolean startsWith(byte[] a, int from, int to, byte[] prefix) {
    if (to - from < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (a[from + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** The little-endian word of the eight bytes at {@code a[at]}. */
  static long word(byte[] a, int at) {
    return (long) LONGS.get(a, at);
  }

  /** How many of the word's bytes, from its first, are ASCII digits (0 to 8). */
  static int leadingDigits(long word) {
    // A byte is flagged unless 0x30 <= b <= 0x39: b - 0x30 goes negative below, b + 0x46 passes
    // 0x7f above. Carries only reach later bytes, so the first flagged byte is exact.
    long nonDigits = ((word + 0x4646464646464646L) | (word - 0x3030303030303030L)) & HIGHS;
    return Long.numberOfTrailingZeros(nonDigits) >>> 3;
  }

  private static final long[] POWERS_OF_TEN = {
    1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L
  };

  /**
   * {@code value} followed by the word's first {@code count} bytes (1 to 8), all ASCII digits: a
   * number read a word at a time, its digits so far then these.
   */
  static long appendDigits(long value, long word, int count) {
    return value * POWERS_OF_TEN[count] + digitsValue(word, count);
  }

  /**
   * The value of the word's first {@code count} bytes (1 to 8), all ASCII digits: the digits are
   * moved to the top of the word behind leading zeros, then paired, paired again and once more,
   * three multiplications in all, instead of one dependent multiply-add per digit.
   */
  static long digitsValue(long word, int count) {
    long v = (word - 0x3030303030303030L) << ((Long.BYTES - count) * 8);
    v = (v * 10 + (v >>> 8)) & 0x00FF00FF00FF00FFL; // two-digit values in bytes 0, 2, 4, 6
    v = (v * 100 + (v >>> 16)) & 0x0000FFFF0000FFFFL; // four-digit values in the two halves
    return (v * 10_000 + (v >>> 32)) & 0xFFFFFFFFL;
  }
}
