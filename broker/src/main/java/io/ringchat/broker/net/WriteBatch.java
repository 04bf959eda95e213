package io.ringchat.broker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.ringchat.broker.room.Peer;
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

  private static final int INITIAL_ENTRIES = 64;

  /**
   * A batch that grew past this many entries (a broadcast to thousands of members) shrinks back
   * when it is returned, so that pooled batches do not keep peak-sized arrays for good.
   */
  static final int MAX_RETAINED_ENTRIES = 1024;

  private final OutputLane lane;
  private Peer[] peers = new Peer[INITIAL_ENTRIES];
  private ByteBuf[] buffers = new ByteBuf[INITIAL_ENTRIES];
  private int[] offsets = new int[INITIAL_ENTRIES];
  private int[] lengths = new int[INITIAL_ENTRIES];
  private boolean[] closeAfter = new boolean[INITIAL_ENTRIES];
  private int size;

  /** Shared segments this batch holds one reference to each. */
  private ByteBuf[] retained = new ByteBuf[8];

  private int retainedCount;

  WriteBatch(OutputLane lane) {
    this.lane = lane;
  }

  /** Room thread. */
  boolean isEmpty() {
    return size == 0;
  }

  /** Room thread: queue the whole of {@code frame}, owned by the batch from now on. */
  void add(Peer peer, ByteBuf frame, boolean close) {
    add(peer, frame, 0, WHOLE, close);
  }

  /** Room thread: queue a slice of {@code shared}, retained once per batch. */
  @SuppressWarnings("ReferenceEquality") // the same buffer object, not equal contents
  void addSlice(Peer peer, ByteBuf shared, int offset, int length) {
    if (retainedCount == 0 || retained[retainedCount - 1] != shared) {
      if (retainedCount == retained.length) {
        retained = Arrays.copyOf(retained, retainedCount * 2);
      }
      retained[retainedCount++] = shared.retain();
    }
    add(peer, shared, offset, length, false);
  }

  private void add(Peer peer, ByteBuf buf, int offset, int length, boolean close) {
    if (size == peers.length) {
      grow();
    }
    peers[size] = peer;
    buffers[size] = buf;
    offsets[size] = offset;
    lengths[size] = length;
    closeAfter[size] = close;
    size++;
  }

  /** The event loop of the peers: write every entry in order, then give the batch back. */
  // Writes use the void promise, which reports a failure to the pipeline's exceptionCaught
  // (PeerHandler) rather than through a future: there is no future to check.
  @SuppressWarnings("FutureReturnValueIgnored")
  @Override
  public void run() {
    lane.taken();
    for (int i = 0; i < size; i++) {
      Peer peer = peers[i];
      ByteBuf buf = buffers[i];
      int length = lengths[i];
      if (peer.isOutputClosed()) {
        if (length == WHOLE) {
          buf.release();
        }
        continue;
      }
      Channel channel = peer.channel();
      ByteBuf frame = length == WHOLE ? buf : buf.retainedSlice(offsets[i], length);
      if (closeAfter[i]) {
        peer.closeOutput();
        channel.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
        continue;
      }
      if (frame.readableBytes() > channel.bytesBeforeUnwritable()) {
        // Unflushed bytes count toward --max-pending: before this write would pass it, let the
        // socket take what it can, so that only a member that really is not reading is removed.
        channel.flush();
      }
      channel.write(frame, channel.voidPromise());
      lane.wrote(peer);
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
    if (peers.length > MAX_RETAINED_ENTRIES) {
      peers = new Peer[INITIAL_ENTRIES];
      buffers = new ByteBuf[INITIAL_ENTRIES];
      offsets = new int[INITIAL_ENTRIES];
      lengths = new int[INITIAL_ENTRIES];
      closeAfter = new boolean[INITIAL_ENTRIES];
    } else {
      Arrays.fill(peers, 0, size, null);
      Arrays.fill(buffers, 0, size, null);
    }
    size = 0;
  }

  private void grow() {
    int capacity = peers.length * 2;
    peers = Arrays.copyOf(peers, capacity);
    buffers = Arrays.copyOf(buffers, capacity);
    offsets = Arrays.copyOf(offsets, capacity);
    lengths = Arrays.copyOf(lengths, capacity);
    closeAfter = Arrays.copyOf(closeAfter, capacity);
  }
}
