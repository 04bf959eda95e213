package io.ringchat.protocol;

/** Facts of the protocol that are not frames: the default port and the default line limit. */
public final class Protocol {
  /** The TCP port a broker listens on, and a client connects to, by default. */
  public static final int DEFAULT_PORT = 7878;

  /** The broker's HTTP port by default: the page, WebSocket chat at {@code /ws}, metrics. */
  public static final int DEFAULT_HTTP_PORT = 7880;

  /**
   * A broker's default limit on one client line, in bytes, LF excluded. It counts the whole line,
   * command word included: see {@link #maxTextBytes}.
   */
  public static final int DEFAULT_MAX_LINE = 4096;

  private Protocol() {}

  /** The longest message text, in UTF-8 bytes, that fits a line limit once {@code SEND } is on. */
  public static int maxTextBytes(int maxLineBytes) {
    return maxLineBytes - Command.SEND.wordAndSpace().length;
  }
}
