package io.ringchat.client;

import java.util.Locale;

/**
 * One line typed at the prompt, parsed: {@code send <MSG>}, {@code leave}, {@code who}, {@code
 * help}, a blank line, or something else (with a hint saying what to type).
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

  static final String HELP =
      "commands: send <message> | who | leave | help   (Ctrl-D or Ctrl-C also leave)";

  /** Parses a typed line. The command word is case-insensitive; the message is kept verbatim. */
  public static UserCommand parse(String line) {
    String trimmed = line.strip();
    if (trimmed.isEmpty()) {
      return new UserCommand(Kind.BLANK, null);
    }
    int space = indexOfWhitespace(trimmed);
    String word = (space < 0 ? trimmed : trimmed.substring(0, space)).toLowerCase(Locale.ROOT);
    switch (word) {
      case "send" -> {
        // Everything after "send " as typed, leading spaces of the message dropped once.
        int start = line.indexOf(trimmed) + 4;
        String message = start < line.length() ? line.substring(start + 1) : "";
        if (message.isBlank()) {
          return new UserCommand(Kind.UNKNOWN, "nothing to send: type send <message>");
        }
        return new UserCommand(Kind.SEND, message);
      }
      case "leave", "quit", "exit" -> {
        return new UserCommand(Kind.LEAVE, null);
      }
      case "who" -> {
        return new UserCommand(Kind.WHO, null);
      }
      case "help", "?" -> {
        return new UserCommand(Kind.HELP, null);
      }
      default -> {
        return new UserCommand(Kind.UNKNOWN, "unknown command '" + word + "'; " + HELP);
      }
    }
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
