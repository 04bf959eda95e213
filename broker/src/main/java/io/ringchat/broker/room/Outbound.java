package io.ringchat.broker.room;

import io.netty.buffer.ByteBuf;

/**
 * Where the room's frames go: the hand-off from the room thread to whatever writes to sockets.
 *
 * <p>All methods are called by the room thread only. Writes are queued in order per peer and handed
 * over at {@link #endOfBatch()}; nothing blocks.
 */
public interface Outbound {
  /** Queues {@code frame} for {@code peer}; takes ownership of the buffer. */
  void write(Peer peer, ByteBuf frame);

  /**
   * Queues bytes {@code [offset, offset + length)} of {@code shared} for {@code peer}. The caller
   * keeps its reference to {@code shared}; the outbound retains it as long as it needs it.
   */
  void write(Peer peer, ByteBuf shared, int offset, int length);

  /**
   * Queues {@code frame} as the last thing {@code peer} will get: the connection is closed once it
   * is flushed. Takes ownership of the buffer.
   */
  void writeAndClose(Peer peer, ByteBuf frame);

  /** Hands everything queued since the last call to the writers, and has it flushed. */
  void endOfBatch();
}
