package io.ringchat.client.load;

import io.ringchat.protocol.ServerFrame;

/**
 * Where each line the broker sent a generator's member ends. A message line of the generator's own
 * ({@code MSG <name> <text>}, or positioned {@code POST <seq> <ms> <name> <text>}) ends exactly
 * {@code --size} bytes after the space before its text, so only its fields are scanned, and then
 * the one byte after the text is checked (a positioned line's room seq is read on the way). Any
 * other line, and a message whose text is not the generator's, is scanned to its {@code '\n'}.
 *
 * <p>Why: scanning every byte for the {@code '\n'} was about a third of the generator's time at
 * millions of lines a second, and it is paid per byte, so it cost a positioned room (its lines a
 * third longer) more than a version 1 room; the text is most of each line and its length is known.
 */
final class LineEnds {
  private static final byte[] MSG = ServerFrame.Type.MSG.wordAndSpace();
  private static final byte[] POST = ServerFrame.Type.POST.wordAndSpace();

  /** The fields of a generator's text ({@link MessageText}) end with spaces at these offsets. */
  private static final int SENDER_END = 6;

  private static final int SEQ_END = 15;

  /** The digits of a positioned line's time (epoch milliseconds). */
  private static final int TIME_DIGITS = 13;

  /** The room seq of the line {@link #find} last ended, if a {@code POST} line's; -1 if not. */
  private long seq = -1;

  /**
   * The index of the {@code '\n'} that ends the line starting at {@code a[start]}, or -1 if it is
   * not within {@code a[start, end)}; {@code textSize} is the run's {@code --size} (at least {@link
   * MessageText#FIELDS_LENGTH}).
   */
  int find(byte[] a, int start, int end, int textSize) {
    seq = -1;
    int p;
    if (InboundBytes.startsWith(a, start, end, MSG)) {
      p = start + MSG.length;
    } else if (InboundBytes.startsWith(a, start, end, POST)) {
      p = afterNumbers(a, start + POST.length, end);
      if (p < 0) {
        return InboundBytes.indexOf(a, start, end, (byte) '\n'); // not a whole POST header
      }
    } else {
      return InboundBytes.indexOf(a, start, end, (byte) '\n');
    }
    // The name.
    int at = InboundBytes.indexOfEither(a, p, end, (byte) ' ', (byte) '\n');
    if (at < 0 || a[at] == '\n') {
      return at; // not all there yet, or a line without a text
    }
    p = at + 1;
    // No '\n' before p. The text of a generator's message cannot hold one: if the byte after
    // textSize bytes ends the line and the text has the generator's field separators, that is the
    // line's end; otherwise the text is someone else's, scanned like any line.
    int lf = p + textSize;
    if (lf < end && a[lf] == '\n' && a[p + SENDER_END] == ' ' && a[p + SEQ_END] == ' ') {
      return lf;
    }
    return InboundBytes.indexOf(a, p, end, (byte) '\n');
  }

  /**
   * The room seq of the {@code POST} line that {@link #find} last ended, read on the way (its
   * digits were counted there anyway); -1 if that line was another, or its header not whole.
   */
  long seq() {
    return seq;
  }

  /**
   * Where the name of a {@code POST} line starts, after its room seq (up to 16 digits, read into
   * {@link #seq}) and its time (13 digits, epoch milliseconds until the year 2286) from {@code
   * a[p]}; or -1 if the bytes there are not that (or not all there), for the caller to scan them. A
   * word's digits are counted at once, so the two numbers take three word operations instead of a
   * search each for the space after it.
   */
  private int afterNumbers(byte[] a, int p, int end) {
    if (p + 2 * Long.BYTES + TIME_DIGITS + 2 > end) {
      return -1;
    }
    long high = InboundBytes.word(a, p);
    int seqDigits = InboundBytes.leadingDigits(high);
    if (seqDigits == 0) {
      return -1;
    }
    long value = InboundBytes.digitsValue(high, seqDigits);
    if (seqDigits == Long.BYTES) {
      long low = InboundBytes.word(a, p + Long.BYTES);
      int lowDigits = InboundBytes.leadingDigits(low);
      if (lowDigits > 0) {
        value = InboundBytes.appendDigits(value, low, lowDigits);
      }
      seqDigits += lowDigits;
    }
    int time = p + seqDigits + 1;
    if (a[time - 1] != ' '
        || time + TIME_DIGITS + 1 > end
        || a[time + TIME_DIGITS] != ' '
        || InboundBytes.leadingDigits(InboundBytes.word(a, time)) != Long.BYTES
        || InboundBytes.leadingDigits(InboundBytes.word(a, time + TIME_DIGITS - Long.BYTES))
            != Long.BYTES) {
      return -1;
    }
    seq = value;
    return time + TIME_DIGITS + 1;
  }
}
