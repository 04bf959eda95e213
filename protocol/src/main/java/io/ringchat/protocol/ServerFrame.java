package io.ringchat.protocol;

import java.nio.charset.StandardCharsets;

/**
 * One server-to-client line, parsed. Which fields are set depends on the {@link Type}: {@code name}
 * for WELCOME, JOINED, LEFT, MSG, POST and MEMBER; {@code count} for WELCOME, MEMBERS and REPLAYED;
 * {@code text} for MSG, POST, PONG (the token, empty if none), ERR (the human text) and UNKNOWN
 * (the whole line); {@code errorCode} (the wire word) for ERR. Protocol version 1.1 adds {@code
 * seq} and {@code millis} for POST and SENT, the range {@code seq..millis} of a GAP ({@link
 * #gapFrom()}, {@link #gapTo()}; a {@code GAP unknown} has {@code text} "unknown"), and {@code
 * epoch} and {@code seq} for a positioned WELCOME (else epoch is null).
 */
public record ServerFrame(
    Type type,
    String name,
    String text,
    int count,
    String errorCode,
    long seq,
    long millis,
    String epoch) {

  /** A version 1 frame (no position). */
  public ServerFrame(Type type, String name, String text, int count, String errorCode) {
    this(type, name, text, count, errorCode, 0, 0, null);
  }

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
    POST,
    SENT,
    GAP,
    REPLAYED,
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
      case POST -> post(line, rest);
      case SENT -> sent(line, rest);
      case GAP -> gap(line, rest);
      case REPLAYED -> {
        int count = parseCount(rest);
        yield count < 0 ? unknown(line) : new ServerFrame(Type.REPLAYED, null, null, count, null);
      }
      case UNKNOWN -> unknown(line);
    };
  }

  /** Whether this is {@code GAP unknown}: the position's epoch is not the room's numbering. */
  public boolean isGapUnknown() {
    return type == Type.GAP && "unknown".equals(text);
  }

  /** The first seq a {@code GAP <from> <to>} names. */
  public long gapFrom() {
    return seq;
  }

  /** The last seq a {@code GAP <from> <to>} names. */
  public long gapTo() {
    return millis;
  }

  private static ServerFrame post(String line, String rest) {
    String[] parts = rest.split(" ", 4);
    if (parts.length < 4) {
      return unknown(line);
    }
    long seq = Decimals.parse(parts[0]);
    long millis = Decimals.parse(parts[1]);
    if (seq < 0 || millis < 0 || parts[2].isEmpty()) {
      return unknown(line);
    }
    return new ServerFrame(Type.POST, parts[2], parts[3], 0, null, seq, millis, null);
  }

  private static ServerFrame sent(String line, String rest) {
    int space = rest.indexOf(' ');
    long seq = space < 0 ? -1 : Decimals.parse(rest.substring(0, space));
    long millis = space < 0 ? -1 : Decimals.parse(rest.substring(space + 1));
    if (seq < 0 || millis < 0) {
      return unknown(line);
    }
    return new ServerFrame(Type.SENT, null, null, 0, null, seq, millis, null);
  }

  private static ServerFrame gap(String line, String rest) {
    if (rest.equals("unknown")) {
      return new ServerFrame(Type.GAP, null, "unknown", 0, null, 0, 0, null);
    }
    int space = rest.indexOf(' ');
    long from = space < 0 ? -1 : Decimals.parse(rest.substring(0, space));
    long to = space < 0 ? -1 : Decimals.parse(rest.substring(space + 1));
    if (from < 1 || to < from) {
      return unknown(line);
    }
    return new ServerFrame(Type.GAP, null, null, 0, null, from, to, null);
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
    int last = rest.lastIndexOf(' ');
    String epoch = null;
    long seq = 0;
    if (last > 0 && rest.indexOf(':', last) > 0) {
      // WELCOME <name> <count> <epoch>:<last>, a positioned join's (names hold no ':')
      String position = rest.substring(last + 1);
      int colon = position.indexOf(':');
      epoch = position.substring(0, colon);
      seq = Decimals.parse(position.substring(colon + 1));
      if (!JoinPosition.isEpoch(epoch) || seq < 0) {
        return unknown(line);
      }
      rest = rest.substring(0, last);
      last = rest.lastIndexOf(' ');
    }
    int count = last <= 0 ? -1 : parseCount(rest.substring(last + 1));
    if (count < 0) {
      return unknown(line);
    }
    return new ServerFrame(Type.WELCOME, rest.substring(0, last), null, count, null, seq, 0, epoch);
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
    return digits.length() > 9 ? -1 : (int) Decimals.parse(digits);
  }
}
