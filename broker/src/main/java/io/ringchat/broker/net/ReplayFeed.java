package io.ringchat.broker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.ArrayDeque;

/**
 * A replay of kept history being written to one connection in parts, each part written once the one
 * before it has gone to the socket: the replay is slices of the room's own kept memory, so it costs
 * nothing while it waits, and it never counts against {@code --max-pending} (a member is not
 * removed for the size of the history it asked for). Whatever the room writes to the connection
 * meanwhile waits behind the replay, in order, and that does count: past {@code --max-pending}
 * bytes of it, the connection is removed as a slow consumer, as it would be without a replay.
 *
 * <p>Parts end at a line's end, so that a line written around the replay (the slow-consumer
 * farewell) never lands inside another.
 *
 * <p>Its connection's event loop only.
 */
final class ReplayFeed {
  /** Part size when the pending limit allows it: many lines per write, little held at once. */
  static final int MAX_PART_BYTES = 64 * 1024;

  private final Connection connection;
  private final ByteBuf rest;
  private final int partBytes;
  private final long maxBehindBytes;
  private final Runnable overflow;
  private final ArrayDeque<ByteBuf> behind = new ArrayDeque<>();
  private long behindBytes;
  private boolean closeAfter;
  private boolean done;

  /**
   * @param replay the replay, owned from here on
   * @param maxPendingBytes the connection's {@code --max-pending}: parts are at most half of it,
   *     and output queued behind the replay at most all of it
   * @param overflow run when the output queued behind the replay goes over the limit
   */
  ReplayFeed(Connection connection, ByteBuf replay, int maxPendingBytes, Runnable overflow) {
    this.connection = connection;
    this.rest = replay;
    this.partBytes = Math.max(1, Math.min(MAX_PART_BYTES, maxPendingBytes / 2));
    this.maxBehindBytes = maxPendingBytes;
    this.overflow = overflow;
  }

  /** Writes the first part. */
  void start() {
    writeNext();
  }

  /**
   * Queues {@code frame} (owned from here on) behind the replay; {@code close}: the connection is
   * to be closed once it is written, and nothing after it is.
   */
  void hold(ByteBuf frame, boolean close) {
    if (done || closeAfter) {
      frame.release();
      return;
    }
    behind.add(frame);
    behindBytes += frame.readableBytes();
    closeAfter = close;
    if (behindBytes > maxBehindBytes) {
      releaseAll();
      overflow.run();
    }
  }

  // The void-promise rule does not apply: the listener is how the next part is written.
  @SuppressWarnings("FutureReturnValueIgnored")
  private void writeNext() {
    Channel channel = connection.channel();
    if (done) {
      return;
    }
    if (connection.isOutputClosed() || !channel.isActive()) {
      releaseAll();
      return;
    }
    if (rest.isReadable()) {
      ByteBuf part = rest.readRetainedSlice(partLength());
      channel
          .writeAndFlush(part)
          .addListener(
              future -> {
                if (future.isSuccess()) {
                  writeNext();
                } else {
                  releaseAll();
                }
              });
      return;
    }
    done = true;
    rest.release();
    connection.replayDone();
    boolean close = closeAfter;
    while (!behind.isEmpty()) {
      ByteBuf frame = behind.poll();
      if (behind.isEmpty() && close) {
        connection.closeOutput();
        channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
      } else {
        channel.write(frame, channel.voidPromise());
      }
    }
    channel.flush();
  }

  /** The bytes of the next part: whole lines, up to the part size (one line if it is longer). */
  private int partLength() {
    int from = rest.readerIndex();
    int readable = rest.readableBytes();
    if (readable <= partBytes) {
      return readable;
    }
    int lastLf = rest.forEachByteDesc(from, partBytes, b -> b != '\n');
    if (lastLf >= 0) {
      return lastLf - from + 1;
    }
    int nextLf = rest.forEachByte(from + partBytes, readable - partBytes, b -> b != '\n');
    return nextLf < 0 ? readable : nextLf - from + 1;
  }

  private void releaseAll() {
    if (done) {
      return;
    }
    done = true;
    rest.release();
    for (ByteBuf frame : behind) {
      frame.release();
    }
    behind.clear();
    connection.replayDone();
  }
}
