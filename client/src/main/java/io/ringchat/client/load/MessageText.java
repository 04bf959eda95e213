package io.ringchat.client.load;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The text of a generator's message: {@code <sender> <seq> <sentNanos>}, fixed-width lowercase hex
 * (6, 8 and 16 digits, 32 bytes, the smallest {@code --size}), then a space and {@code x} padding
 * up to the size, e.g. {@code 00002a 000003e8 0001b69b4bba7400 xxxx...}.
 *
 * <p>Fixed widths because every member reads the three fields of every line it gets: at millions of
 * lines a second, reading decimal numbers of varying length (a loop whose exit the CPU cannot
 * predict, three times a line) was the largest part of the generator's time per line, and the
 * generator shares the machine with the broker it measures. Here each field is read from fixed
 * offsets with a few word operations and no branch.
 */
final class MessageText {
  /** The length of the three fields with the spaces between them. */
  static final int FIELDS_LENGTH = 32;

  /** The most senders a run can have: the sender field's six hex digits. */
  static final int MAX_SENDERS = 1 << 24;

  private static final int SEQ_AT = 7;
  private static final int NANOS_AT = 16;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final long LOW_NIBBLES = 0x0F0F0F0F0F0F0F0FL;
  private static final long ONES = 0x0101010101010101L;

  private MessageText() {}

  /**
   * Writes the text of {@code sender}'s message {@code seq} sent at {@code sentNanos}, padded to
   * {@code size} (at least {@link #FIELDS_LENGTH}), into {@code text} from index 0.
   */
  static void write(byte[] text, int size, int sender, int seq, long sentNanos) {
    writeHex(text, 0, 6, sender);
    text[6] = ' ';
    writeHex(text, SEQ_AT, 8, seq & 0xFFFFFFFFL);
    text[15] = ' ';
    writeHex(text, NANOS_AT, 16, sentNanos);
    if (size > FIELDS_LENGTH) {
      text[FIELDS_LENGTH] = ' ';
      Arrays.fill(text, FIELDS_LENGTH + 1, size, (byte) 'x');
    }
  }

  private static void writeHex(byte[] text, int at, int digits, long value) {
    for (int i = digits - 1; i >= 0; i--) {
      text[at + i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
  }

  /** The sender of the text at {@code a[p]} (at least {@link #FIELDS_LENGTH} bytes follow). */
  static int sender(byte[] a, int p) {
    // The word's first six bytes, moved to the top behind two zero nibbles (leading zeros).
    return (int) hexValue(InboundBytes.word(a, p) << 16);
  }

  /** The seq of the text at {@code a[p]}. */
  static int seq(byte[] a, int p) {
    return (int) hexValue(InboundBytes.word(a, p + SEQ_AT));
  }

  /** When the message of the text at {@code a[p]} was sent ({@link System#nanoTime()}). */
  static long sentNanos(byte[] a, int p) {
    return hexValue(InboundBytes.word(a, p + NANOS_AT)) << 32
        | hexValue(InboundBytes.word(a, p + NANOS_AT + 8));
  }

  /**
   * The value of eight lowercase hex digits, the first the most significant (a little-endian word:
   * the first digit is the lowest byte). Each byte becomes its nibble ({@code '0'..'9'} keep their
   * low four bits; {@code 'a'..'f'}, with bit 6 set, gain 9), then neighbours are merged pairwise,
   * then in fours, then in eights.
   */
  static long hexValue(long word) {
    long v = (word & LOW_NIBBLES) + 9 * ((word >>> 6) & ONES);
    v = ((v << 4) | (v >>> 8)) & 0x00FF00FF00FF00FFL; // byte pairs, in bytes 0, 2, 4, 6
    v = ((v << 8) | (v >>> 16)) & 0x0000FFFF0000FFFFL; // four digits in each half's low 16 bits
    return ((v << 16) | (v >>> 32)) & 0xFFFFFFFFL;
  }
}
