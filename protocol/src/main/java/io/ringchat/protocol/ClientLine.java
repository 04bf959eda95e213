package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Splits a client line into its command word and argument. A line is {@code COMMAND} or {@code
 * COMMAND SP ARGUMENT}; the argument is everything after the first space, byte for byte. Never
 * allocates: callers get lengths and slices of the line.
 */
public final class ClientLine {
  private ClientLine() {}

  /** The length of the command word: the bytes before the first space, or the whole line. */
  public static int wordLength(ByteBuf line) {
    int from = line.readerIndex();
    int space = line.indexOf(from, line.writerIndex(), (byte) ' ');
    return space < 0 ? line.readableBytes() : space - from;
  }

  /**
   * The argument of {@code line}, as a slice sharing its memory (not retained), or {@code null}
   * when the line has no argument or an empty one ({@code "SEND"} and {@code "SEND "} both count as
   * a missing argument).
   */
  public static ByteBuf argument(ByteBuf line, int wordLength) {
    int argumentLength = line.readableBytes() - wordLength - 1;
    if (argumentLength <= 0) {
      return null;
    }
    return line.slice(line.readerIndex() + wordLength + 1, argumentLength);
  }
}
