package io.ringchat.broker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.Arrays;

/**
 * Writes for the connections of one event loop: filled by the room thread (over one ring batch, or
 * several while the loop is busy), then run once as a task on that event loop, which writes every
 * entry in order. It does not flush: its {@link OutputLane} flushes each written channel once at
 * the end of the loop iteration, so that one {@code writev} carries many frames.
 *
 * <p>Slices of shared segments are cut here, on the I/O thread that also releases them: a slice
 * made on one thread and recycled on another is far more expensive (Netty's Recycler).
 */
final class WriteBatch implements Runnable {
  /** Entry length meaning: write the whole buffer, whose reference the batch owns. */
  private static final int WHOLE = -1;

  /** What an entry does, besides writing: nothing, close after the write, or mark joined. */
  private static final byte WRITE = 0;

  private static final byte WRITE_AND_CLOSE = 1;
  private static final byte JOINED = 2;
  private static final byte REPLAY = 3;

  private static final int INITIAL_ENTRIES = 64;

  /**
   * A batch that grew past this many entries (a broadcast to thousands of members) shrinks back
   * when it is returned, so that pooled batches do not keep peak-sized arrays: an idle broker would
   * otherwise hold its largest burst's arrays for good (docs/BENCHMARKS.md, "Memory per idle
   * member").
   */
  static final int MAX_RETAINED_ENTRIES = 1024;

  private final OutputLane lane;
  private final ConnectionTable table;
  private long[] connections = new long[INITIAL_ENTRIES];
  private ByteBuf[] buffers = new ByteBuf[INITIAL_ENTRIES];
  private int[] offsets = new int[INITIAL_ENTRIES];
  private int[] lengths = new int[INITIAL_ENTRIES];
  private byte[] ops = new byte[INITIAL_ENTRIES];
  private int size;

  /** Shared segments this batch holds one reference to each. */
  private ByteBuf[] retained = new ByteBuf[8];

  private int retainedCount;

  WriteBatch(OutputLane lane, ConnectionTable table) {
    this.lane = lane;
    this.table = table;
  }

  /** Room thread. */
  boolean isEmpty() {
    return size == 0;
  }

  /** Room thread: queue the whole of {@code frame}, owned by the batch from now on. */
  void add(long connection, ByteBuf frame, boolean close) {
    add(connection, frame, 0, WHOLE, close ? WRITE_AND_CLOSE : WRITE);
  }

  /** Room thread: queue a replay of kept history (owned by the batch from now on). */
  void addReplay(long connection, ByteBuf replay) {
    add(connection, replay, 0, WHOLE, REPLAY);
  }

  /** Room thread: the room accepted the connection's JOIN (its join timeout stops). */
  void addJoined(long connection) {
    add(connection, null, 0, WHOLE, JOINED);
  }

  /**
   * Room thread: queue a slice of {@code shared}, retained once per batch. A positioned member's
   * slices alternate between two buffers (the broadcast segment and the senders' {@code SENT}
   * lines), so the last two retained are checked: otherwise each alternation would cost an atomic
   * retain and release.
   */
  @SuppressWarnings("ReferenceEquality") // the same buffer object, not equal contents
  void addSlice(long connection, ByteBuf shared, int offset, int length) {
    if ((retainedCount == 0 || retained[retainedCount - 1] != shared)
        && (retainedCount < 2 || retained[retainedCount - 2] != shared)) {
      if (retainedCount == retained.length) {
        retained = Arrays.copyOf(retained, retainedCount * 2);
      }
      retained[retainedCount++] = shared.retain();
    }
    add(connection, shared, offset, length, WRITE);
  }

  private void add(long connection, ByteBuf buf, int offset, int length, byte op) {
    if (size == connections.length) {
      grow();
    }
    connections[size] = connection;
    buffers[size] = buf;
    offsets[size] = offset;
    lengths[size] = length;
    ops[size] = op;
    size++;
  }

  /**
   * The lane's event loop: write every entry in order, then give the batch back. The room's plain
   * writes to the arrays are visible here because the batch crossed in {@code execute} (Netty's
   * task queue is a happens-before edge); the loop's writes are visible to the room when the batch
   * comes back through the lane's one-to-one queue.
   */
  // Writes use the void promise, which reports a failure to the pipeline's exceptionCaught
  // (ConnectionHandler) rather than through a future: there is no future to check.
  @SuppressWarnings("FutureReturnValueIgnored")
  @Override
  public void run() {
    lane.taken();
    for (int i = 0; i < size; i++) {
      // Null once the connection has closed, even if its slot was taken again meanwhile.
      Connection connection = table.get(connections[i]);
      ByteBuf buf = buffers[i];
      int length = lengths[i];
      if (connection == null || connection.isOutputClosed()) {
        if (length == WHOLE && buf != null) {
          buf.release();
        }
        continue;
      }
      if (ops[i] == JOINED) {
        connection.markJoined();
        continue;
      }
      Channel channel = connection.channel();
      ByteBuf frame = length == WHOLE ? buf : buf.retainedSlice(offsets[i], length);
      if (ops[i] == REPLAY) {
        connection.startReplay(frame);
        continue;
      }
      ReplayFeed replay = connection.replay();
      if (replay != null) {
        // Behind the replay, in order; what closes the connection closes it after the replay.
        replay.hold(frame, ops[i] == WRITE_AND_CLOSE);
        continue;
      }
      if (ops[i] == WRITE_AND_CLOSE) {
        connection.closeOutput();
        channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
        continue;
      }
      if (frame.readableBytes() > channel.bytesBeforeUnwritable()) {
        // Unflushed bytes count toward --max-pending: before this write would pass it, let the
        // socket take what it can, so that only a member that really is not reading is removed.
        channel.flush();
      }
      channel.write(frame, channel.voidPromise());
      lane.wrote(connection);
    }
    reset();
    lane.batchDone(this);
  }

  private void reset() {
    for (int i = 0; i < retainedCount; i++) {
      retained[i].release();
      retained[i] = null;
    }
    retainedCount = 0;
    if (connections.length > MAX_RETAINED_ENTRIES) {
      connections = new long[INITIAL_ENTRIES];
      buffers = new ByteBuf[INITIAL_ENTRIES];
      offsets = new int[INITIAL_ENTRIES];
      lengths = new int[INITIAL_ENTRIES];
      ops = new byte[INITIAL_ENTRIES];
    } else {
      Arrays.fill(buffers, 0, size, null);
    }
    size = 0;
  }

  private void grow() {
    int capacity = connections.length * 2;
    connections = Arrays.copyOf(connections, capacity);
    buffers = Arrays.copyOf(buffers, capacity);
    offsets = Arrays.copyOf(offsets, capacity);
    lengths = Arrays.copyOf(lengths, capacity);
    ops = Arrays.copyOf(ops, capacity);
  }
}
