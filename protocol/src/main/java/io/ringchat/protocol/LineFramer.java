package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Splits a byte stream into lines ending in LF, as the protocol frames them: the framing rule
 * alone, as a pure function of the bytes and a one-{@code int} state, with no object per
 * connection. A connection's own handler keeps the state in a field (an idle member then holds no
 * framer at all); {@link LineFrameDecoder} is the same rule as a stand-alone Netty decoder.
 *
 * <p>Each non-empty line goes to the {@link Sink} as a retained slice of the input without its LF,
 * and without the CR before it if there is one; the sink releases it. Empty lines are dropped. A
 * line longer than {@code maxLineBytes} (LF and a CR before it excluded) is reported as soon as it
 * is known to be too long, once, then discarded up to the next LF without being buffered; the
 * stream carries on after it.
 *
 * <p>The state is {@link #START} for a fresh stream; {@link #frame} returns the state to pass to
 * the next call for the same stream: {@link #DISCARDING} while skipping the rest of a too-long
 * line, otherwise how many bytes still readable in the input are already known to hold no LF (so
 * that they are not scanned again).
 */
public final class LineFramer {
  /** Where framed lines go. */
  public interface Sink {
    /** A complete line, a retained slice owned by the sink from now on. */
    void line(ByteBuf line);

    /** A line longer than the limit; nothing of it is kept. */
    void tooLong();

    /**
     * Whether to stop framing for now (flood control): the lines not yet framed stay readable in
     * the input, and the next call frames them. Asked before each line.
     */
    default boolean paused() {
      return false;
    }
  }

  /** The state of a stream that has not started, or that ended a line exactly. */
  public static final int START = 0;

  /** The state while the rest of a too-long line is being skipped. */
  public static final int DISCARDING = -1;

  private LineFramer() {}

  /**
   * Frames every complete line in {@code in}, advancing its reader index past them, until the sink
   * says it is {@linkplain Sink#paused paused}; an unfinished line stays readable in {@code in} for
   * the next call (unless it is already too long, then it is skipped), as do the lines not framed
   * for a pause. Returns the state for the next call.
   *
   * @param maxLineBytes the longest line accepted, in bytes, LF excluded; at least 1
   */
  public static int frame(ByteBuf in, int state, int maxLineBytes, Sink sink) {
    boolean discarding = state == DISCARDING;
    int scanned = discarding ? 0 : state;
    while (in.isReadable()) {
      if (sink.paused()) {
        return discarding ? DISCARDING : START; // nothing after the reader index is scanned yet
      }
      int start = in.readerIndex();
      int lf = in.indexOf(start + scanned, in.writerIndex(), (byte) '\n');
      if (lf < 0) {
        return holdPartialLine(in, discarding, maxLineBytes, sink);
      }
      scanned = 0;
      if (discarding) {
        discarding = false;
        in.readerIndex(lf + 1);
        continue;
      }
      int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
      int length = end - start;
      // Move past the line before handing it over: the sink may stop reading or close.
      in.readerIndex(lf + 1);
      if (length > maxLineBytes) {
        sink.tooLong();
      } else if (length > 0) {
        sink.line(in.retainedSlice(start, length));
      }
    }
    return discarding ? DISCARDING : START;
  }

  /** Keeps an unfinished line unless it is already too long, in which case it starts discarding. */
  private static int holdPartialLine(ByteBuf in, boolean discarding, int maxLineBytes, Sink sink) {
    int length = in.readableBytes();
    if (discarding) {
      in.skipBytes(length);
      return DISCARDING;
    }
    // One byte more than the limit is still fine if it is the CR of a CRLF still to come.
    boolean tooLong =
        length > maxLineBytes + 1
            || (length == maxLineBytes + 1 && in.getByte(in.writerIndex() - 1) != '\r');
    if (tooLong) {
      in.skipBytes(length);
      sink.tooLong();
      return DISCARDING;
    }
    return length;
  }
}
