package io.ringchat.broker.cluster;

import io.netty.buffer.ByteBuf;
import io.ringchat.broker.room.Outbound;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The clustered room's output: each write goes to the broker that holds the connection, gathered
 * per broker over one ingress message and sent as egress at the end of it. A broadcast segment is
 * sent once per broker, its members' lines pointing into it, as the single broker's write batches
 * do.
 *
 * <p>Runs on the clustered service's thread, on every member of the cluster (only the leader's
 * offers go anywhere: Aeron makes a follower's a no-op).
 */
final class ClusterOutbound implements Outbound {
  /**
   * One broker's output being gathered: the buffers its lines point into (each retained once) and
   * one entry per line, in parallel arrays, kept by the broker and reused batch after batch, so
   * gathering a broadcast to many members allocates nothing per member.
   */
  static final class Pending {
    final BrokerSession broker;
    final IdentityHashMap<ByteBuf, Integer> indexOf = new IdentityHashMap<>();
    ByteBuf[] buffers = new ByteBuf[8];
    int bufferCount;

    /** Where each buffer's bytes start in the message being encoded; -1: not in it yet. */
    int[] base = new int[8];

    long[] connections = new long[64];
    byte[] ops = new byte[64];
    int[] bufferIndex = new int[64];
    int[] offsets = new int[64];
    int[] lengths = new int[64];
    int size;

    /** In this batch's list of brokers with output. */
    boolean queued;

    Pending(BrokerSession broker) {
      this.broker = broker;
    }

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
    }
  }

  /** Who a room-wide connection id belongs to. */
  record Owner(BrokerSession broker, long connection) {}

  private final Long2ObjectHashMap<Owner> owners;

  /** The brokers with output in this batch, in the order they got their first line. */
  private final ArrayList<Pending> touched = new ArrayList<>();

  private final ExpandableArrayBuffer message = new ExpandableArrayBuffer(64 * 1024);
  private boolean muted;

  /** The brokers that did not take all their egress yet, to be offered it again ({@link #pump}). */
  private final ArrayList<BrokerSession> behind = new ArrayList<>();

  ClusterOutbound(Long2ObjectHashMap<Owner> owners) {
    this.owners = owners;
  }

  /** While muted (a snapshot being loaded), output is dropped: it was sent long ago. */
  void mute(boolean muted) {
    this.muted = muted;
  }

  /** {@code broker} gets a message at the end of this batch even if it has no lines: the ack. */
  void ack(BrokerSession broker) {
    pendingFor(broker);
  }

  private Pending pendingFor(BrokerSession broker) {
    Pending p = broker.pending;
    if (!p.queued) {
      p.queued = true;
      touched.add(p);
    }
    return p;
  }

  private void add(long id, ByteBuf buf, int offset, int length, byte op, boolean owned) {
    Owner owner = owners.get(id);
    if (owner == null || muted) {
      if (owned && buf != null) {
        buf.release();
      }
      return;
    }
    Pending p = pendingFor(owner.broker());
    int index = buf == null ? -1 : p.buffer(buf, owned);
    p.add(owner.connection(), op, index, offset, length);
  }

  @Override
  public void write(long connection, ByteBuf frame) {
    add(connection, frame, frame.readerIndex(), frame.readableBytes(), ClusterWire.WRITE, true);
  }

  @Override
  public void write(long connection, ByteBuf shared, int offset, int length) {
    add(connection, shared, offset, length, ClusterWire.WRITE, false);
  }

  @Override
  public void writeAndClose(long connection, ByteBuf frame) {
    add(
        connection,
        frame,
        frame.readerIndex(),
        frame.readableBytes(),
        ClusterWire.WRITE_AND_CLOSE,
        true);
  }

  @Override
  public void joined(long connection) {
    add(connection, null, 0, 0, ClusterWire.JOINED, false);
  }

  @Override
  public boolean allBusy() {
    return false; // the room's batch is one ingress message: hand over at its end
  }

  @Override
  public void endOfBatch() {
    for (int i = 0; i < touched.size(); i++) {
      send(touched.get(i));
    }
    touched.clear();
  }

  @Override
  public void handOverAll() {
    endOfBatch();
  }

  /** Encodes {@code p} into as few messages as fit, and offers them. */
  private void send(Pending p) {
    try {
      int from = 0;
      do {
        from = sendFrom(p, from);
      } while (from < p.size);
    } finally {
      p.reset();
    }
  }

  /**
   * Sends entries from {@code from} on, as many as fit in one message; returns where it stopped.
   */
  private int sendFrom(Pending p, int from) {
    ExpandableArrayBuffer out = message;
    out.putByte(0, ClusterWire.OUTPUT);
    out.putLong(1, p.broker.kept.last() + 1, ByteOrder.LITTLE_ENDIAN);
    out.putLong(9, p.broker.lastSeq, ByteOrder.LITTLE_ENDIAN);
    // Pass 1: which entries fit, and the bytes of the buffers they use, in first-use order.
    int[] base = p.base;
    Arrays.fill(base, 0, p.bufferCount, -1);
    int bytesAt = ClusterWire.OUTPUT_HEADER;
    int bytes = 0;
    int to = from;
    int entryBytes = 4;
    while (to < p.size) {
      int index = p.bufferIndex[to];
      int grow = ClusterWire.OUTPUT_ENTRY;
      boolean newBuffer = index >= 0 && base[index] < 0;
      int bufferBytes = newBuffer ? bufferLength(p.buffers[index]) : 0;
      if (to > from
          && bytesAt + bytes + bufferBytes + entryBytes + grow > ClusterWire.MAX_OUTPUT_BYTES) {
        break;
      }
      if (newBuffer) {
        ByteBuf buf = p.buffers[index];
        base[index] = bytes;
        out.putBytes(bytesAt + bytes, buf.nioBuffer(0, bufferBytes), bufferBytes);
        bytes += bufferBytes;
      }
      entryBytes += grow;
      to++;
    }
    out.putInt(ClusterWire.OUTPUT_HEADER - 4, bytes, ByteOrder.LITTLE_ENDIAN);
    int at = bytesAt + bytes;
    out.putInt(at, to - from, ByteOrder.LITTLE_ENDIAN);
    at += 4;
    for (int i = from; i < to; i++) {
      int index = p.bufferIndex[i];
      out.putLong(at, p.connections[i], ByteOrder.LITTLE_ENDIAN);
      out.putByte(at + 8, p.ops[i]);
      out.putInt(at + 9, index < 0 ? 0 : base[index] + p.offsets[i], ByteOrder.LITTLE_ENDIAN);
      out.putInt(at + 13, p.lengths[i], ByteOrder.LITTLE_ENDIAN);
      at += ClusterWire.OUTPUT_ENTRY;
    }
    byte[] kept = new byte[at];
    out.getBytes(0, kept);
    p.broker.kept.add(kept);
    deliver(p.broker);
    return to == from ? to + 1 : to; // an empty message (an ack) counts as sent
  }

  /**
   * Offers {@code broker} what it has not been offered yet, in order; one that cannot take it all
   * now is offered the rest again by {@link #pump}. Nothing here waits.
   */
  private void deliver(BrokerSession broker) {
    if (!broker.delivery.pump() && !broker.behind) {
      broker.behind = true;
      behind.add(broker);
    }
    showGauges(broker);
  }

  private static void showGauges(BrokerSession broker) {
    if (broker.gauges != null) {
      broker.gauges.update(broker.kept.bytes(), broker.delivery.unsent());
    }
  }

  /**
   * The broker has everything numbered up to {@code last} and asks for the rest (it saw a gap, or a
   * new leader): it is sent again from there, what is no longer kept announced with a {@link
   * ClusterWire#SKIP} first, so that it knows its members missed lines rather than wait for them.
   */
  void resend(BrokerSession broker, long last) {
    broker.delivery.resendAfter(last);
    deliver(broker);
  }

  /** Offers each broker that was behind what it has not taken yet. Returns how many still are. */
  int pump() {
    for (int i = behind.size() - 1; i >= 0; i--) {
      BrokerSession broker = behind.get(i);
      if (broker.delivery.pump()) {
        broker.behind = false;
        behind.remove(i);
      }
      showGauges(broker);
    }
    return behind.size();
  }

  /** Whether some broker did not take all its egress yet. */
  boolean anyBehind() {
    return !behind.isEmpty();
  }

  /** {@code broker} is gone (its session closed): nothing more is offered to it. */
  void forget(BrokerSession broker) {
    if (broker.behind) {
      broker.behind = false;
      behind.remove(broker);
    }
  }

  /** A buffer is copied from its start: slices point at absolute offsets in it. */
  private static int bufferLength(ByteBuf buf) {
    return buf.writerIndex();
  }
}
