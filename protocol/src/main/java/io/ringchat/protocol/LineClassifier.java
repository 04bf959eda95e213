package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Turns one framed client line into the request it makes, validating it on the way: the command
 * word ({@link Command}), the name ({@link Names}), the text ({@link Text}). A pure function with
 * no state, so that the I/O threads run it in parallel and a test can run it alone.
 *
 * <p>A valid {@code SEND} or {@code PING} hands over the line itself, its reader index moved past
 * the command word, so that the text is never copied before the room writes it into a frame.
 */
public final class LineClassifier {
  private LineClassifier() {}

  /**
   * Classifies {@code line} (without its LF) and tells {@code to}; takes ownership of the line.
   * Positioned joins ({@code JOIN <name> HISTORY <n>}, {@code JOIN <name> SINCE <epoch>:<seq>}) are
   * understood.
   */
  public static void classify(ByteBuf line, Requests to) {
    classify(line, true, to);
  }

  /**
   * As above; when {@code positionedJoins} is false, a JOIN with anything after the name is {@code
   * bad_name}, as a broker of protocol version 1 answers it (a broker that keeps no history).
   */
  public static void classify(ByteBuf line, boolean positionedJoins, Requests to) {
    int wordLength = ClientLine.wordLength(line);
    Command command = Command.match(line, wordLength);
    ByteBuf argument = ClientLine.argument(line, wordLength);
    if (command == null
        || (argument == null && (command == Command.JOIN || command == Command.SEND))) {
      line.release();
      to.refuse(ErrorCode.BAD_COMMAND);
      return;
    }
    switch (command) {
      case JOIN -> {
        join(argument, positionedJoins, to);
        line.release();
      }
      case SEND, PING -> {
        if (argument == null) { // a PING without a token
          line.release();
          to.ping(null);
        } else if (!Text.isValid(argument)) {
          line.release();
          to.refuse(ErrorCode.BAD_TEXT);
        } else if (command == Command.SEND) {
          to.send(line.skipBytes(wordLength + 1));
        } else {
          to.ping(line.skipBytes(wordLength + 1));
        }
      }
      case WHO -> {
        line.release();
        to.who();
      }
      case LEAVE -> {
        line.release();
        to.leave();
      }
    }
  }

  /**
   * {@code JOIN}'s argument: a name, optionally followed by {@code HISTORY <n>} or {@code SINCE
   * <epoch>:<seq>}. The name's errors come first (a control character anywhere is {@code
   * bad_text}); another word after the name is {@code bad_name}, as version 1 answers it; a
   * malformed count or position is {@code bad_command}.
   */
  private static void join(ByteBuf argument, boolean positionedJoins, Requests to) {
    int from = argument.readerIndex();
    int space = argument.indexOf(from, argument.writerIndex(), (byte) ' ');
    if (space < 0 || !positionedJoins) {
      Names.Result result = Names.parse(argument);
      if (result.error() != null) {
        to.refuse(result.error());
      } else {
        to.join(result.name(), null);
      }
      return;
    }
    if (!Text.isValid(argument)
        || argument.indexOf(from, argument.writerIndex(), (byte) '\t') >= 0) {
      to.refuse(ErrorCode.BAD_TEXT);
      return;
    }
    Names.Result result = Names.parse(argument.slice(from, space - from));
    if (result.error() != null) {
      to.refuse(result.error());
      return;
    }
    String rest =
        argument.toString(space + 1, argument.writerIndex() - space - 1, StandardCharsets.UTF_8);
    int gap = rest.indexOf(' ');
    String word = gap < 0 ? rest : rest.substring(0, gap);
    String value = gap < 0 ? "" : rest.substring(gap + 1);
    JoinPosition position;
    if (isWord(word, "HISTORY")) {
      long n = JoinPosition.parseCount(value);
      position = n < 0 ? null : JoinPosition.history(n);
    } else if (isWord(word, "SINCE")) {
      position = JoinPosition.parseSince(value);
    } else {
      to.refuse(ErrorCode.BAD_NAME);
      return;
    }
    if (position == null) {
      to.refuse(ErrorCode.BAD_COMMAND);
    } else {
      to.join(result.name(), position);
    }
  }

  /**
   * Whether {@code word} is {@code upper} with only ASCII letters folded, as command words are
   * matched ({@code String.equalsIgnoreCase} would also take the long s, U+017F, for an S).
   */
  private static boolean isWord(String word, String upper) {
    if (word.length() != upper.length()) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      int c = word.charAt(i);
      if (c >= 'a' && c <= 'z') {
        c -= 'a' - 'A';
      }
      if (c != upper.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
