package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a byte stream into lines ending in LF, as PROTOCOL.md frames them.
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

  /** True while skipping the rest of a too-long line. */
  private boolean discarding;

  /**
   * How many readable bytes are already known to hold no LF, so that they are not scanned again.
   */
  private int scannedBytes;

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
    while (in.isReadable()) {
      int start = in.readerIndex();
      int lf = in.indexOf(start + scannedBytes, in.writerIndex(), (byte) '\n');
      if (lf < 0) {
        holdPartialLine(in, out);
        return;
      }
      scannedBytes = 0;
      if (discarding) {
        discarding = false;
        in.readerIndex(lf + 1);
        continue;
      }
      int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
      int length = end - start;
      if (length > maxLineBytes) {
        out.add(LineTooLong.INSTANCE);
      } else if (length > 0) {
        out.add(in.retainedSlice(start, length));
      }
      in.readerIndex(lf + 1);
    }
  }

  /** Keeps an unfinished line unless it is already too long, in which case it starts discarding. */
  private void holdPartialLine(ByteBuf in, List<Object> out) {
    int length = in.readableBytes();
    if (discarding) {
      in.skipBytes(length);
      scannedBytes = 0;
      return;
    }
    // One byte more than the limit is still fine if it is the CR of a CRLF still to come.
    boolean tooLong =
        length > maxLineBytes + 1
            || (length == maxLineBytes + 1 && in.getByte(in.writerIndex() - 1) != '\r');
    if (tooLong) {
      in.skipBytes(length);
      scannedBytes = 0;
      discarding = true;
      out.add(LineTooLong.INSTANCE);
    } else {
      scannedBytes = length;
    }
  }
}
