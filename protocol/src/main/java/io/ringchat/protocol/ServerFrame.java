package io.ringchat.protocol;

import java.nio.charset.StandardCharsets;

/**
 * One server-to-client line, parsed. Which fields are set depends on the {@link Type}: {@code name}
 * for WELCOME, JOINED, LEFT, MSG and MEMBER; {@code count} for WELCOME and MEMBERS; {@code text}
 * for MSG, PONG (the token, empty if none), ERR (the human text) and UNKNOWN (the whole line);
 * {@code errorCode} (the wire word) for ERR.
 */
public record ServerFrame(Type type, String name, String text, int count, String errorCode) {

  /**
   * The kinds of server line, plus {@code UNKNOWN} for a line that matches none of them. The
   * constant's name is the line's first word on the wire: the one place the words are spelled.
   */
  public enum Type {
    WELCOME,
    JOINED,
    LEFT,
    MSG,
    MEMBER,
    MEMBERS,
    PONG,
    BYE,
    ERR,
    UNKNOWN;

    private static final Type[] VALUES = values();

    /** The word that starts the line, e.g. {@code MSG}. */
    public String word() {
      return name();
    }

    /** The word and the space after it, in ASCII: how a line with arguments starts. */
    public byte[] wordAndSpace() {
      return (name() + " ").getBytes(StandardCharsets.US_ASCII);
    }

    /** The type whose word is {@code word}, or {@code UNKNOWN}. */
    public static Type ofWord(String word) {
      for (Type type : VALUES) {
        if (type != UNKNOWN && type.name().equals(word)) {
          return type;
        }
      }
      return UNKNOWN;
    }
  }

  /** The error code as an enum constant, or {@code null} if not an ERR or an unknown code. */
  public ErrorCode knownErrorCode() {
    return errorCode == null ? null : ErrorCode.fromWireName(errorCode);
  }

  /** Parses one line, without its LF. Never throws: a malformed line is {@code UNKNOWN}. */
  public static ServerFrame parse(String line) {
    int space = line.indexOf(' ');
    String word = space < 0 ? line : line.substring(0, space);
    String rest = space < 0 ? "" : line.substring(space + 1);
    return switch (Type.ofWord(word)) {
      case WELCOME -> welcome(line, rest);
      case JOINED -> named(Type.JOINED, line, rest);
      case LEFT -> named(Type.LEFT, line, rest);
      case MEMBER -> named(Type.MEMBER, line, rest);
      case MSG -> msg(line, rest);
      case MEMBERS -> {
        int count = parseCount(rest);
        yield count < 0 ? unknown(line) : new ServerFrame(Type.MEMBERS, null, null, count, null);
      }
      case PONG -> new ServerFrame(Type.PONG, null, rest, 0, null);
      case BYE -> space < 0 ? new ServerFrame(Type.BYE, null, null, 0, null) : unknown(line);
      case ERR -> err(line, rest);
      case UNKNOWN -> unknown(line);
    };
  }

  private static ServerFrame msg(String line, String rest) {
    int nameEnd = rest.indexOf(' ');
    if (nameEnd <= 0) {
      return unknown(line);
    }
    return new ServerFrame(
        Type.MSG, rest.substring(0, nameEnd), rest.substring(nameEnd + 1), 0, null);
  }

  private static ServerFrame err(String line, String rest) {
    int codeEnd = rest.indexOf(' ');
    String code = codeEnd < 0 ? rest : rest.substring(0, codeEnd);
    String text = codeEnd < 0 ? "" : rest.substring(codeEnd + 1);
    return code.isEmpty() ? unknown(line) : new ServerFrame(Type.ERR, null, text, 0, code);
  }

  private static ServerFrame welcome(String line, String rest) {
    int nameEnd = rest.lastIndexOf(' ');
    int count = nameEnd <= 0 ? -1 : parseCount(rest.substring(nameEnd + 1));
    if (count < 0) {
      return unknown(line);
    }
    return new ServerFrame(Type.WELCOME, rest.substring(0, nameEnd), null, count, null);
  }

  private static ServerFrame named(Type type, String line, String rest) {
    if (rest.isEmpty() || rest.indexOf(' ') >= 0) {
      return unknown(line);
    }
    return new ServerFrame(type, rest, null, 0, null);
  }

  private static ServerFrame unknown(String line) {
    return new ServerFrame(Type.UNKNOWN, null, line, 0, null);
  }

  /** A non-negative decimal count, or -1 if {@code digits} is not one. */
  private static int parseCount(String digits) {
    if (digits.isEmpty() || digits.length() > 9) {
      return -1;
    }
    int value = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
