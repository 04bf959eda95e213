package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;

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

  /** Classifies {@code line} (without its LF) and tells {@code to}; takes ownership of the line. */
  public static void classify(ByteBuf line, Requests to) {
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
        Names.Result result = Names.parse(argument);
        line.release();
        if (result.error() != null) {
          to.refuse(result.error());
        } else {
          to.join(result.name());
        }
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
}
