package io.ringchat.broker.cluster;

import io.aeron.cluster.service.ClientSession;
import io.netty.buffer.ByteBuf;
import io.ringchat.broker.room.Outbound;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
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
  /** One broker's output being gathered. */
  private static final class Pending {
    final Broker broker;
    final List<ByteBuf> buffers = new ArrayList<>();
    final List<long[]> entries = new ArrayList<>(); // connection, op, buffer index, offset, length
    final IdentityHashMap<ByteBuf, Integer> indexOf = new IdentityHashMap<>();

    Pending(Broker broker) {
      this.broker = broker;
    }
  }

  /** Who a room-wide connection id belongs to. */
  record Owner(Broker broker, long connection) {}

  /** A broker as the room sees it: its cluster session and the last of its seqs applied. */
  static final class Broker {
    /** Egress kept for a broker that missed some in a leader change (about 8 MiB at most). */
    static final int HISTORY_BYTES = 8 * 1024 * 1024;

    final ClientSession session;
    private final long historyLimit;
    long lastSeq;

    /** The number of the last egress message made for this broker. */
    long egressNumber;

    /** Recent egress, oldest first, for {@link ClusterWire#RESYNC}: the same on every member. */
    final java.util.ArrayDeque<byte[]> history = new java.util.ArrayDeque<>();

    long historyBytes;

    void remember(byte[] message) {
      history.addLast(message);
      historyBytes += message.length;
      while (historyBytes > historyLimit && history.size() > 1) {
        historyBytes -= history.removeFirst().length;
      }
    }

    /** Its connection ids to room-wide ids. */
    final org.agrona.collections.Long2LongHashMap ids =
        new org.agrona.collections.Long2LongHashMap(0);

    Broker(ClientSession session) {
      this(session, HISTORY_BYTES);
    }

    Broker(ClientSession session, long historyLimit) {
      this.session = session;
      this.historyLimit = historyLimit;
    }

    /** The number of the oldest egress message still kept (egressNumber + 1 when none is). */
    long firstKept() {
      return egressNumber - history.size() + 1;
    }
  }

  private final Long2ObjectHashMap<Owner> owners;
  private final IdentityHashMap<Broker, Pending> pending = new IdentityHashMap<>();
  private final ExpandableArrayBuffer message = new ExpandableArrayBuffer(64 * 1024);
  private final Offerer offerer;
  private boolean muted;

  /** Sends one egress message to a session, retrying back pressure for a while. */
  interface Offerer {
    void offer(ClientSession session, ExpandableArrayBuffer buffer, int length);
  }

  ClusterOutbound(Long2ObjectHashMap<Owner> owners, Offerer offerer) {
    this.owners = owners;
    this.offerer = offerer;
  }

  /** While muted (a snapshot being loaded), output is dropped: it was sent long ago. */
  void mute(boolean muted) {
    this.muted = muted;
  }

  /** {@code broker} gets a message at the end of this batch even if it has no lines: the ack. */
  void ack(Broker broker) {
    pendingFor(broker);
  }

  private Pending pendingFor(Broker broker) {
    return pending.computeIfAbsent(broker, Pending::new);
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
    int index = -1;
    if (buf != null) {
      Integer known = p.indexOf.get(buf);
      if (known == null) {
        index = p.buffers.size();
        p.buffers.add(owned ? buf : buf.retain());
        p.indexOf.put(buf, index);
      } else {
        index = known;
        if (owned) {
          buf.release();
        }
      }
    }
    p.entries.add(new long[] {owner.connection(), op, index, offset, length});
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
    for (Pending p : pending.values()) {
      send(p);
    }
    pending.clear();
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
      } while (from < p.entries.size());
    } finally {
      for (ByteBuf buf : p.buffers) {
        buf.release();
      }
    }
  }

  /**
   * Sends entries from {@code from} on, as many as fit in one message; returns where it stopped.
   */
  private int sendFrom(Pending p, int from) {
    ExpandableArrayBuffer out = message;
    out.putByte(0, ClusterWire.OUTPUT);
    out.putLong(1, ++p.broker.egressNumber, ByteOrder.LITTLE_ENDIAN);
    out.putLong(9, p.broker.lastSeq, ByteOrder.LITTLE_ENDIAN);
    // Pass 1: which entries fit, and the bytes of the buffers they use, in first-use order.
    int[] base = new int[p.buffers.size()];
    java.util.Arrays.fill(base, -1);
    int bytesAt = ClusterWire.OUTPUT_HEADER;
    int bytes = 0;
    int to = from;
    int entryBytes = 4;
    while (to < p.entries.size()) {
      long[] e = p.entries.get(to);
      int index = (int) e[2];
      int grow = ClusterWire.OUTPUT_ENTRY;
      boolean newBuffer = index >= 0 && base[index] < 0;
      int bufferBytes = newBuffer ? bufferLength(p.buffers.get(index)) : 0;
      if (to > from
          && bytesAt + bytes + bufferBytes + entryBytes + grow > ClusterWire.MAX_OUTPUT_BYTES) {
        break;
      }
      if (newBuffer) {
        ByteBuf buf = p.buffers.get(index);
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
      long[] e = p.entries.get(i);
      int index = (int) e[2];
      out.putLong(at, e[0], ByteOrder.LITTLE_ENDIAN);
      out.putByte(at + 8, (byte) e[1]);
      out.putInt(at + 9, index < 0 ? 0 : base[index] + (int) e[3], ByteOrder.LITTLE_ENDIAN);
      out.putInt(at + 13, (int) e[4], ByteOrder.LITTLE_ENDIAN);
      at += ClusterWire.OUTPUT_ENTRY;
    }
    byte[] kept = new byte[at];
    out.getBytes(0, kept);
    p.broker.remember(kept);
    offerer.offer(p.broker.session, out, at);
    return to == from ? to + 1 : to; // an empty message (an ack) counts as sent
  }

  /**
   * Offers again every kept message numbered after {@code last}, oldest first. When some it wants
   * are no longer kept (a long outage, or a member restored from a snapshot, which keeps none),
   * says so first ({@link ClusterWire#SKIP}): the broker then knows its members missed lines and
   * disconnects them, rather than waiting for what will never come.
   */
  void resend(Broker broker, long last) {
    long first = broker.firstKept();
    if (last + 1 < first) {
      message.putByte(0, ClusterWire.SKIP);
      message.putLong(1, first, ByteOrder.LITTLE_ENDIAN);
      offerer.offer(broker.session, message, 9);
    }
    long number = first;
    for (byte[] kept : broker.history) {
      if (number > last) {
        message.putBytes(0, kept);
        offerer.offer(broker.session, message, kept.length);
      }
      number++;
    }
  }

  /** A buffer is copied from its start: slices point at absolute offsets in it. */
  private static int bufferLength(ByteBuf buf) {
    return buf.writerIndex();
  }
}
