package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Locale;

/**
 * The situations in which the broker sends one last {@code ERR} and closes the connection. A code
 * alone does not say: {@code not_joined} closes only after the join timeout, {@code bad_command}
 * only after an HTTP request line, while the same codes answer ordinary mistakes and the connection
 * stays open.
 */
public enum Farewell {
  /** The broker is at {@code --max-clients}. */
  SERVER_FULL(ErrorCode.SERVER_FULL, ErrorCode.SERVER_FULL.defaultText()),
  /** The connection's address is at {@code --max-clients-per-address}; the text takes the limit. */
  ADDRESS_FULL(
      ErrorCode.SERVER_FULL,
      "too many connections from your address (per-address limit: %s); close one or try again later"),
  /** No {@code JOIN} within {@code --join-timeout}; the text takes the timeout. */
  JOIN_TIMEOUT(ErrorCode.NOT_JOINED, "no JOIN within %s; closing"),
  /** The first line was an HTTP request: a browser or a health checker on the chat port. */
  HTTP_REQUEST(
      ErrorCode.BAD_COMMAND,
      "this is a ringchat chat server, not an HTTP server; use nc or the ringchat client"),
  /** More than {@code --max-pending} bytes wait for the connection. */
  SLOW_CONSUMER(ErrorCode.SLOW_CONSUMER, ErrorCode.SLOW_CONSUMER.defaultText()),
  /** The broker is stopping. */
  SHUTTING_DOWN(ErrorCode.SHUTTING_DOWN, ErrorCode.SHUTTING_DOWN.defaultText());

  private final ErrorCode code;
  private final String text;

  Farewell(ErrorCode code, String text) {
    this.code = code;
    this.text = text;
  }

  /**
   * Whether {@code code} is only ever sent as a farewell, so that a client seeing it knows the
   * close follows: {@code server_full}, {@code slow_consumer}, {@code shutting_down}. ({@code
   * not_joined} and {@code bad_command} also answer mistakes that leave the connection open.)
   */
  public static boolean alwaysCloses(ErrorCode code) {
    return code == ErrorCode.SERVER_FULL
        || code == ErrorCode.SLOW_CONSUMER
        || code == ErrorCode.SHUTTING_DOWN;
  }

  /** The code the last line carries. */
  public ErrorCode code() {
    return code;
  }

  /** The text after the code, its {@code %s} filled with {@code detail}: also what HTTP says. */
  public String text(Object... detail) {
    return String.format(Locale.ROOT, text, detail);
  }

  /** Encodes {@code ERR <code> <text>\n}, filling the text's {@code %s} with {@code detail}. */
  public ByteBuf encode(ByteBufAllocator alloc, Object... detail) {
    return ServerFrames.encodeErr(alloc, code, text(detail));
  }
}
