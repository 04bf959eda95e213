package io.ringchat.broker.cluster;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.IdentityHashMap;

/**
 * One broker's output being gathered over one ingress message: the buffers its lines point into
 * (each retained once, however many lines use it) and one entry per line, in parallel arrays kept
 * by the broker and reused batch after batch, so gathering a broadcast to many members allocates
 * nothing per member. {@link OutputEncoder} turns it into egress.
 *
 * <p>The clustered service's thread only.
 */
final class GatheredOutput {
  final BrokerSession broker;
  private final IdentityHashMap<ByteBuf, Integer> indexOf = new IdentityHashMap<>();
  ByteBuf[] buffers = new ByteBuf[8];
  int bufferCount;

  /** Where each buffer's bytes start in the message being encoded; -1: not in it yet. */
  int[] base = new int[8];

  long[] connections = new long[64];
  byte[] ops = new byte[64];

  /** Each entry's buffer, or -1 for an entry without bytes (JOINED). */
  int[] bufferIndex = new int[64];

  int[] offsets = new int[64];
  int[] lengths = new int[64];
  int size;

  /** In this batch's list of brokers with output. */
  boolean queued;

  /** The time of the last {@link ClusterWire#KEEP_TIME} in this batch (-1: none yet). */
  long keepMillis = -1;

  GatheredOutput(BrokerSession broker) {
    this.broker = broker;
  }

  /** The index of {@code buf}, added if new; an owned one is released if it was known already. */
  int buffer(ByteBuf buf, boolean owned) {
    Integer known = indexOf.get(buf);
    if (known != null) {
      if (owned) {
        buf.release();
      }
      return known;
    }
    if (bufferCount == buffers.length) {
      buffers = Arrays.copyOf(buffers, bufferCount * 2);
      base = Arrays.copyOf(base, bufferCount * 2);
    }
    buffers[bufferCount] = owned ? buf : buf.retain();
    indexOf.put(buf, bufferCount);
    return bufferCount++;
  }

  void add(long connection, byte op, int index, int offset, int length) {
    if (size == connections.length) {
      int capacity = size * 2;
      connections = Arrays.copyOf(connections, capacity);
      ops = Arrays.copyOf(ops, capacity);
      bufferIndex = Arrays.copyOf(bufferIndex, capacity);
      offsets = Arrays.copyOf(offsets, capacity);
      lengths = Arrays.copyOf(lengths, capacity);
    }
    connections[size] = connection;
    ops[size] = op;
    bufferIndex[size] = index;
    offsets[size] = offset;
    lengths[size] = length;
    size++;
  }

  /** Sent: every buffer let go, ready for the next batch. */
  void reset() {
    for (int i = 0; i < bufferCount; i++) {
      buffers[i].release();
      buffers[i] = null;
    }
    bufferCount = 0;
    indexOf.clear();
    size = 0;
    queued = false;
    keepMillis = -1;
  }
}
