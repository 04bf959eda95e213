package io.ringchat.broker.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The bytes of a {@link ClusterWire#TRACE} entry, room to broker: the times of a traced ingress
 * message's round trip so far, for {@link RoundTripTracer}. Epoch nanoseconds, each from the clock
 * of the process that took it: the broker's, the leader's consensus module's (the log's timestamp)
 * and the leader's room's. On one host they are one clock; across hosts the hops between processes
 * carry the hosts' offset, which the round trip (the broker's own clock at both ends) does not.
 *
 * <pre>
 *   long  offeredAt   the broker offered the message (as the message said)
 *   long  appendedAt  the leader's log took it (the entry's timestamp)
 *   long  appliedAt   the leader's room began applying it
 *   long  doneAt      the leader's room was done with it, its output gathered
 * </pre>
 *
 * Little-endian, as every cluster message ({@link ClusterWire#ORDER}). Only these times differ
 * between members' rooms: they are output, never state.
 */
final class RoundTripTrace {
  private RoundTripTrace() {}

  static final int OFFERED_OFFSET = 0;
  static final int APPENDED_OFFSET = OFFERED_OFFSET + Long.BYTES;
  static final int APPLIED_OFFSET = APPENDED_OFFSET + Long.BYTES;
  static final int DONE_OFFSET = APPLIED_OFFSET + Long.BYTES;
  static final int LENGTH = DONE_OFFSET + Long.BYTES;

  static ByteBuf encode(
      ByteBufAllocator alloc, long offeredAt, long appendedAt, long appliedAt, long doneAt) {
    ByteBuf trace = alloc.heapBuffer(LENGTH, LENGTH);
    trace.writeLongLE(offeredAt);
    trace.writeLongLE(appendedAt);
    trace.writeLongLE(appliedAt);
    trace.writeLongLE(doneAt);
    return trace;
  }

  static long offeredAt(ByteBuf bytes, int at) {
    return bytes.getLongLE(at + OFFERED_OFFSET);
  }

  static long appendedAt(ByteBuf bytes, int at) {
    return bytes.getLongLE(at + APPENDED_OFFSET);
  }

  static long appliedAt(ByteBuf bytes, int at) {
    return bytes.getLongLE(at + APPLIED_OFFSET);
  }

  static long doneAt(ByteBuf bytes, int at) {
    return bytes.getLongLE(at + DONE_OFFSET);
  }
}
