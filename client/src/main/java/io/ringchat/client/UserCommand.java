package io.ringchat.client;

import io.ringchat.protocol.Protocol;
import java.util.Locale;

/**
 * One line typed at the prompt, parsed. The common case is easy: any line that is not a command is
 * a message. The commands are {@code send <MSG>}, and the exact lines {@code leave} (also {@code
 * quit}, {@code exit}), {@code who} and {@code help} (also {@code ?}), in any case; each also works
 * with a leading {@code /} ({@code /send hi}, {@code /who}), for people used to IRC. So {@code who
 * is here?} is a message, and {@code /nick bob} is an unknown command (with a hint), never sent.
 *
 * @param text the message for SEND, the hint for UNKNOWN, otherwise null
 */
public record UserCommand(Kind kind, String text) {

  /** What the person asked for. */
  public enum Kind {
    SEND,
    LEAVE,
    WHO,
    HELP,
    BLANK,
    UNKNOWN
  }

  /** The default broker's limit on one message, in UTF-8 bytes. */
  static final int MAX_MESSAGE_BYTES = Protocol.maxTextBytes(Protocol.DEFAULT_MAX_LINE);

  static final String HELP =
      "type a message and Enter to send it (up to "
          + MAX_MESSAGE_BYTES
          + " bytes); commands: send <message> | who | leave | help, also as /send /who /leave"
          + " /help; Ctrl-D or Ctrl-C also leave";

  /** Parses a typed line. Command words are case-insensitive; a message is kept verbatim. */
  public static UserCommand parse(String line) {
    String trimmed = line.strip();
    if (trimmed.isEmpty()) {
      return new UserCommand(Kind.BLANK, null);
    }
    boolean slash = trimmed.startsWith("/");
    String body = slash ? trimmed.substring(1) : trimmed;
    int space = indexOfWhitespace(body);
    String word = (space < 0 ? body : body.substring(0, space)).toLowerCase(Locale.ROOT);
    if (word.equals("send")) {
      // Everything after "send " as typed: one separating space dropped, the rest verbatim.
      int start = line.indexOf(trimmed) + (slash ? 1 : 0) + 4;
      String message = start < line.length() ? line.substring(start + 1) : "";
      if (message.isBlank()) {
        return new UserCommand(Kind.UNKNOWN, "nothing to send: type a message, or send <message>");
      }
      return new UserCommand(Kind.SEND, message);
    }
    if (space < 0) { // a command is the whole line: "who is here?" is a message
      switch (word) {
        case "leave", "quit", "exit" -> {
          return new UserCommand(Kind.LEAVE, null);
        }
        case "who" -> {
          return new UserCommand(Kind.WHO, null);
        }
        case "help", "?" -> {
          return new UserCommand(Kind.HELP, null);
        }
        default -> {}
      }
    }
    if (slash) {
      return new UserCommand(Kind.UNKNOWN, "unknown command '/" + word + "'; " + HELP);
    }
    return new UserCommand(Kind.SEND, line);
  }

  private static int indexOfWhitespace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isWhitespace(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }
}
