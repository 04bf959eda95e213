package io.ringchat.broker.room;

import io.netty.buffer.ByteBuf;

/**
 * Where the room's frames go: the hand-off from the room thread to whatever writes to sockets.
 *
 * <p>All methods are called by the room thread only. Writes are queued in order per peer and handed
 * over at {@link #endOfBatch()} or later; nothing blocks.
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

  /**
   * Whether every writer is still busy with output handed over earlier. When true, each has been
   * asked to wake the room (through the ring) once it is free, so the room may keep adding to what
   * it holds, its open broadcast segment included, instead of handing it over now.
   */
  boolean allBusy();

  /**
   * End of a ring batch: hands what is queued to each writer that is free to take it; a busy
   * writer's output keeps growing until it is free, and it wakes the room then.
   */
  void endOfBatch();

  /** Hands everything queued to every writer now, busy or not (shutdown). */
  void handOverAll();
}
