package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a byte stream into lines ending in LF, as the protocol frames them ({@link LineFramer}'s
 * rule, as a Netty decoder).
 *
 * <p>Emits each non-empty line as a retained slice of the input without its LF, and without the CR
 * before it if there is one; the receiver releases it. Empty lines are dropped. A line longer than
 * {@code maxLineBytes} (LF and a CR before it excluded) is reported as soon as it is known to be
 * too long, by emitting {@link LineTooLong#INSTANCE} once, then discarded up to the next LF without
 * being buffered; the stream carries on after it.
 *
 * <p>Called by the channel's event loop only, like every {@link ByteToMessageDecoder}.
 */
public final class LineFrameDecoder extends ByteToMessageDecoder {
  private final int maxLineBytes;

  /** The framing state between reads ({@link LineFramer}). */
  private int state = LineFramer.START;

  /** The decode call's output list, while it runs. */
  private List<Object> out;

  private final LineFramer.Sink toOut =
      new LineFramer.Sink() {
        @Override
        public void line(ByteBuf line) {
          out.add(line);
        }

        @Override
        public void tooLong() {
          out.add(LineTooLong.INSTANCE);
        }
      };

  /**
   * @param maxLineBytes the longest line accepted, in bytes, LF excluded; at least 1
   */
  public LineFrameDecoder(int maxLineBytes) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be at least 1: " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
  }

  /** How many bytes are held waiting for an LF; for tests that prove nothing piles up. */
  int bufferedBytes() {
    return actualReadableBytes();
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    this.out = out;
    try {
      state = LineFramer.frame(in, state, maxLineBytes, toOut);
    } finally {
      this.out = null;
    }
  }
}
