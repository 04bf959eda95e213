package io.ringchat.broker.room;

import io.netty.buffer.ByteBuf;

/**
 * Where the room's output goes, keyed by connection id: the hand-off from the room to whatever
 * writes to sockets (in the broker, one write batch per I/O event loop; in tests, a recorder).
 *
 * <p>All methods are called by the room thread only. Writes are queued in order per connection and
 * handed over at {@link #endOfBatch()} or later; nothing blocks. A write to a connection that has
 * closed meanwhile is dropped by the writer: the room learns of the close from its own input.
 */
public interface Outbound {
  /** Queues {@code frame} for {@code connection}; takes ownership of the buffer. */
  void write(long connection, ByteBuf frame);

  /**
   * Queues bytes {@code [offset, offset + length)} of {@code shared} for {@code connection}. The
   * caller keeps its reference to {@code shared}; the outbound retains it as long as it needs it.
   */
  void write(long connection, ByteBuf shared, int offset, int length);

  /**
   * Queues a replay of kept history for {@code connection} (takes ownership): a writer that can
   * sends it in parts as the connection drains, so that its size never counts against the
   * connection's pending-output limit, and queues whatever is written to the connection after it
   * behind it (that does count). By default, a plain {@link #write(long, ByteBuf)}.
   */
  default void writeReplay(long connection, ByteBuf replay) {
    write(connection, replay);
  }

  /**
   * Whether the writers keep a copy of the room's history of their own and serve replays from it (a
   * cluster's brokers, so that a replay never crosses the cluster): the room then hands over every
   * line it keeps ({@link #kept}) and asks for each replay by its range ({@link #replayFromCopy})
   * instead of writing the lines itself. False by default: the room writes its replays.
   */
  default boolean servesReplays() {
    return false;
  }

  /**
   * The room keeps message {@code seq} as bytes {@code [offset, offset + length)} of {@code shared}
   * (its {@code POST} line; the caller keeps its reference): for the writers' copies ({@link
   * #servesReplays}).
   */
  default void kept(long seq, ByteBuf shared, int offset, int length) {}

  /**
   * As {@link #kept}, but given as the message's version 1 line ({@code MSG <name> <text>}, the one
   * the room sends anyway when it has plain members) and the time it was ordered at: the copies
   * make the {@code POST} line from it, so the room sends no second encoding of it to every writer.
   */
  default void keptMessage(long seq, long millis, ByteBuf shared, int offset, int length) {}

  /**
   * {@code connection}'s replay, for writers that serve them ({@link #servesReplays}): messages
   * {@code from} to {@code to}, then {@code REPLAYED n}, after the WELCOME already written and
   * before anything written after this. {@code since}: the member asked with {@code SINCE}, so what
   * the copy no longer holds of that range is announced with {@code GAP}; with {@code HISTORY} it
   * is only fewer lines.
   */
  default void replayFromCopy(long connection, long from, long to, boolean since) {
    throw new UnsupportedOperationException("this outbound does not serve replays");
  }

  /**
   * Queues {@code frame} as the last thing {@code connection} will get: the connection is closed
   * once it is flushed. Takes ownership of the buffer.
   */
  void writeAndClose(long connection, ByteBuf frame);

  /**
   * {@code connection} is now a member, in order with its writes (its WELCOME follows): the writer
   * stops counting its join timeout.
   */
  void joined(long connection);

  /**
   * Whether every writer is still busy with output handed over earlier. When true, each has been
   * asked to wake the room once it is free, so the room may keep adding to what it holds, its open
   * broadcast segment included, instead of handing it over now.
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
