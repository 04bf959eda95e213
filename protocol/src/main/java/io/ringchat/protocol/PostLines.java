package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Encodes one positioned message's two lines: {@code POST <seq> <unix-ms> <name> <text>} for the
 * others and {@code SENT <seq> <unix-ms>} for its sender (protocol version 1.1). Both are cut from
 * one staged header, which changes little from one message to the next: the seq's digits are
 * counted up from the last one's, the millisecond's written only when it changes (at high rates
 * many messages share one); the header, name and separators go out in one write instead of one per
 * field, each of which checks the buffer again.
 *
 * <p>{@link #stage} sets the message; the writes that follow encode it. One instance per writer
 * (the room has one); not thread-safe.
 */
public final class PostLines {
  private static final byte SP = ' ';
  private static final byte LF = '\n';
  private static final byte[] POST = "POST ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SENT = "SENT".getBytes(StandardCharsets.US_ASCII);

  private static final int MAX_LONG_DIGITS = Decimals.MAX_LONG_DIGITS;

  /**
   * {@code POST <seq> <unix-ms> }, then the name and a space (copied in per line). A SENT line is
   * {@code SENT} and the same bytes from the space after {@code POST} to the end of the millis.
   */
  private final byte[] header =
      new byte[POST.length + 2 * (MAX_LONG_DIGITS + 1) + Name.MAX_BYTES + 1];

  /** Where the name goes: just after {@code POST <seq> <unix-ms> }. */
  private int nameAt;

  /** The staged seq, whose digits end at {@code POST.length + seqLength}. */
  private long seq;

  private int seqLength;
  private long millis;

  /** Stages seq 0 at time 0, the message before a room's first, to count up from. */
  public PostLines() {
    System.arraycopy(POST, 0, header, 0, POST.length);
    writeSeqAndMillis(0, 0);
  }

  /** The most bytes the POST line of a name and text of these lengths takes. */
  public static int postLength(int nameBytes, int textBytes) {
    return POST.length + 2 * (MAX_LONG_DIGITS + 1) + nameBytes + 1 + textBytes + 1;
  }

  /** The most bytes a SENT line takes. */
  public static int sentLength() {
    return SENT.length + 2 * (MAX_LONG_DIGITS + 1) + 1;
  }

  /**
   * The message the next writes encode: {@code seq}, ordered at {@code millis}. The room numbers
   * its messages one by one, so the usual next seq is the last plus one: its digits are the last
   * ones counted up in place, and the millis after them stay where they are while they are the
   * same; anything else is written out afresh.
   */
  public PostLines stage(long seq, long millis) {
    if (seq == this.seq + 1 && seq > 0 && countUp()) {
      this.seq = seq;
      if (millis != this.millis) {
        writeMillis(millis);
      }
    } else {
      writeSeqAndMillis(seq, millis);
    }
    return this;
  }

  private void writeSeqAndMillis(long seq, long millis) {
    this.seq = seq;
    seqLength = Decimals.write(header, POST.length, seq) - POST.length;
    writeMillis(millis);
  }

  /** Writes {@code millis} and the spaces around it after the seq's digits. */
  private void writeMillis(long millis) {
    this.millis = millis;
    int at = POST.length + seqLength;
    header[at++] = SP;
    at = Decimals.write(header, at, millis);
    header[at++] = SP;
    nameAt = at;
  }

  /**
   * Adds one to the seq's digits in place; false when that needs one more digit (999 + 1), which
   * moves everything after them.
   */
  private boolean countUp() {
    for (int i = POST.length + seqLength - 1; i >= POST.length; i--) {
      if (header[i] != '9') {
        header[i]++;
        return true;
      }
      header[i] = '0';
    }
    return false;
  }

  /** Appends the staged message's {@code POST <seq> <unix-ms> <name> <text>\n}. */
  public void writePost(ByteBuf out, byte[] name, ByteBuf text) {
    System.arraycopy(name, 0, header, nameAt, name.length);
    header[nameAt + name.length] = SP;
    out.writeBytes(header, 0, nameAt + name.length + 1);
    out.writeBytes(text, text.readerIndex(), text.readableBytes()).writeByte(LF);
  }

  /**
   * Appends the staged message's {@code POST} line made from its version 1 line: bytes {@code
   * [from, from + length)} of {@code msgLine} are {@code MSG <name> <text>\n}, and everything after
   * {@code MSG } follows the staged header as it is.
   */
  public void writePostFromMsg(ByteBuf out, ByteBuf msgLine, int from, int length) {
    int rest = MSG_WORD_LENGTH;
    out.writeBytes(header, 0, nameAt);
    out.writeBytes(msgLine, from + rest, length - rest);
  }

  /** {@code MSG } */
  private static final int MSG_WORD_LENGTH = 4;

  /** Appends the staged message's {@code SENT <seq> <unix-ms>\n}. */
  public void writeSent(ByteBuf out) {
    int spaceAfterWord = POST.length - 1;
    out.writeBytes(SENT).writeBytes(header, spaceAfterWord, nameAt - 1 - spaceAfterWord);
    out.writeByte(LF);
  }
}
