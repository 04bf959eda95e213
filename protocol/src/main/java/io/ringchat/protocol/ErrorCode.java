package io.ringchat.protocol;

/**
 * The {@code ERR} codes of the protocol, with the default human-readable text sent after each. A
 * code alone does not say whether the connection is closed after it: {@link Farewell} lists the
 * situations that close one.
 */
public enum ErrorCode {
  BAD_COMMAND(
      "bad_command", "unknown command or missing argument; try JOIN, SEND, WHO, PING, LEAVE"),
  BAD_NAME(
      "bad_name",
      "a name is 1 to 32 bytes of letters, digits, '_', '-' or '.', starting with a letter or digit"),
  NAME_TAKEN("name_taken", "that name is in use; choose another"),
  ALREADY_JOINED("already_joined", "this connection has already joined"),
  NOT_JOINED("not_joined", "JOIN <name> first"),
  TOO_LONG("too_long", "line longer than the limit; it was discarded"),
  BAD_TEXT("bad_text", "text must be valid UTF-8 with no control characters but TAB"),
  UNAVAILABLE(
      "unavailable",
      "no cluster leader ordered the message in time: it reached nobody (or, if a leader"
          + " ordered it just as it was lost, everybody); send it again"),
  SLOW_CONSUMER("slow_consumer", "you are not reading fast enough; disconnecting"),
  SERVER_FULL("server_full", "the broker is at its connection limit; try again later"),
  SHUTTING_DOWN("shutting_down", "the broker is stopping");

  private final String wireName;
  private final String defaultText;

  ErrorCode(String wireName, String defaultText) {
    this.wireName = wireName;
    this.defaultText = defaultText;
  }

  /** The code as it appears on the wire, e.g. {@code name_taken}. */
  public String wireName() {
    return wireName;
  }

  /** The human-readable text the broker sends after the code unless it has a more specific one. */
  public String defaultText() {
    return defaultText;
  }

  /** The code whose wire name is {@code wireName}, or {@code null} if there is none. */
  public static ErrorCode fromWireName(String wireName) {
    for (ErrorCode code : values()) {
      if (code.wireName.equals(wireName)) {
        return code;
      }
    }
    return null;
  }
}
