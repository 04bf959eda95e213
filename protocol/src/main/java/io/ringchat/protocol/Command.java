package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The client-to-server command words. A line's command word is everything before its first space,
 * matched case-insensitively (ASCII).
 */
public enum Command {
  JOIN,
  SEND,
  WHO,
  PING,
  LEAVE;

  private static final Command[] VALUES = values();

  /** The command word as the client sends it, e.g. {@code SEND}. */
  public String word() {
    return name();
  }

  /** The word and the space after it, in ASCII: how a line with an argument starts. */
  public byte[] wordAndSpace() {
    return (name() + " ").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * The command that {@code line} starts with, or {@code null} if its command word is none of
   * these. Reads bytes {@code [readerIndex, readerIndex + wordLength)} only; never allocates.
   */
  public static Command match(ByteBuf line, int wordLength) {
    int from = line.readerIndex();
    for (Command command : VALUES) {
      if (command.name().length() == wordLength && command.matches(line, from)) {
        return command;
      }
    }
    return null;
  }

  private boolean matches(ByteBuf line, int from) {
    String upper = name();
    for (int i = 0; i < upper.length(); i++) {
      // Only ASCII a-z are folded, so no other byte (UTF-8 or otherwise) can match a letter.
      int b = line.getByte(from + i);
      if (b >= 'a' && b <= 'z') {
        b -= 'a' - 'A';
      }
      if (b != upper.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
