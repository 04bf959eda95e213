package io.ringchat.broker.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The bytes of a {@link ClusterWire#REPLAY} entry, room to broker: which messages a positioned join
 * gets from the broker's copy of the history.
 *
 * <pre>
 *   long  from   the first message asked for
 *   long  to     the room's newest message at the join
 *   byte  since  1: asked with SINCE (what is not kept is a GAP), 0: with HISTORY
 * </pre>
 *
 * Little-endian, as every cluster message ({@link ClusterWire#ORDER}).
 */
final class ReplayRange {
  private ReplayRange() {}

  static final int FROM_OFFSET = 0;
  static final int TO_OFFSET = FROM_OFFSET + Long.BYTES;
  static final int SINCE_OFFSET = TO_OFFSET + Long.BYTES;
  static final int LENGTH = SINCE_OFFSET + Byte.BYTES;

  static ByteBuf encode(ByteBufAllocator alloc, long from, long to, boolean since) {
    ByteBuf range = alloc.heapBuffer(LENGTH, LENGTH);
    range.writeLongLE(from);
    range.writeLongLE(to);
    range.writeByte(since ? 1 : 0);
    return range;
  }

  static long from(ByteBuf bytes, int at) {
    return bytes.getLongLE(at + FROM_OFFSET);
  }

  static long to(ByteBuf bytes, int at) {
    return bytes.getLongLE(at + TO_OFFSET);
  }

  static boolean since(ByteBuf bytes, int at) {
    return bytes.getByte(at + SINCE_OFFSET) != 0;
  }
}
