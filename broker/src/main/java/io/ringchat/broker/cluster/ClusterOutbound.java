package io.ringchat.broker.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.ringchat.broker.room.Outbound;
import io.ringchat.broker.room.Room;
import java.util.ArrayList;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The clustered room's output: each write goes to the broker that holds the connection, gathered
 * per broker over one ingress message ({@link GatheredOutput}) and sent as egress at the end of it
 * ({@link OutputEncoder}). A broadcast segment is sent once per broker, its members' lines pointing
 * into it, as the single broker's write batches do. A broker that cannot take all its egress now is
 * offered the rest again by {@link #pump}, before anything newer.
 *
 * <p>Runs on the clustered service's thread, on every member of the cluster (only the leader's
 * offers go anywhere: Aeron makes a follower's a no-op).
 */
final class ClusterOutbound implements Outbound {
  /** Who a room-wide connection id belongs to. */
  record Owner(BrokerSession broker, long connection) {}

  private final Long2ObjectHashMap<Owner> owners;

  /** Every broker with a session, members or not: each keeps a copy of the history. */
  private final Long2ObjectHashMap<BrokerSession> brokers;

  private final OutputEncoder encoder;

  /** The brokers with output in this batch, in the order they got their first line. */
  private final ArrayList<GatheredOutput> touched = new ArrayList<>();

  /** The brokers that did not take all their egress yet, to be offered it again ({@link #pump}). */
  private final ArrayList<BrokerSession> behind = new ArrayList<>();

  private boolean muted;

  ClusterOutbound(Long2ObjectHashMap<Owner> owners, int maxOutputBytes) {
    this(owners, new Long2ObjectHashMap<>(), maxOutputBytes);
  }

  /**
   * @param brokers every broker with a session (the room service's map, read at each kept message)
   */
  ClusterOutbound(
      Long2ObjectHashMap<Owner> owners,
      Long2ObjectHashMap<BrokerSession> brokers,
      int maxOutputBytes) {
    this.owners = owners;
    this.brokers = brokers;
    this.encoder = new OutputEncoder(maxOutputBytes);
  }

  /** While muted (a snapshot being loaded), output is dropped: it was sent long ago. */
  void mute(boolean muted) {
    this.muted = muted;
  }

  /** {@code broker} gets a message at the end of this batch even if it has no lines: the ack. */
  void ack(BrokerSession broker) {
    gathered(broker);
  }

  private GatheredOutput gathered(BrokerSession broker) {
    GatheredOutput output = broker.output;
    if (!output.queued) {
      output.queued = true;
      touched.add(output);
    }
    return output;
  }

  private void add(long id, ByteBuf buf, int offset, int length, byte op, boolean owned) {
    Owner owner = owners.get(id);
    if (owner == null || muted) {
      if (owned && buf != null) {
        buf.release();
      }
      return;
    }
    GatheredOutput output = gathered(owner.broker());
    int index = buf == null ? -1 : output.buffer(buf, owned);
    output.add(owner.connection(), op, index, offset, length);
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
    int at = frame.readerIndex();
    add(connection, frame, at, frame.readableBytes(), ClusterWire.WRITE_AND_CLOSE, true);
  }

  @Override
  public void joined(long connection) {
    add(connection, null, 0, 0, ClusterWire.JOINED, false);
  }

  /** The brokers serve replays from copies of the history that the room's egress keeps filled. */
  @Override
  public boolean servesReplays() {
    return true;
  }

  @Override
  public void kept(long seq, ByteBuf shared, int offset, int length) {
    if (muted) {
      return;
    }
    for (BrokerSession broker : brokers.values()) {
      GatheredOutput output = gathered(broker);
      output.add(seq, ClusterWire.KEEP, output.buffer(shared, false), offset, length);
    }
  }

  /**
   * A part of the history for {@code broker}'s copy: the kept lines from {@code from} on, within
   * {@code maxBytes}, then the end of the part with the room's newest seq. The caller ends the
   * batch.
   */
  void fill(BrokerSession broker, Room room, long from, long maxBytes) {
    if (muted) {
      return;
    }
    GatheredOutput output = gathered(broker);
    room.forEachKeptFrom(
        from,
        maxBytes,
        (seq, chunk, offset, length) ->
            output.add(seq, ClusterWire.FILL_LINE, output.buffer(chunk, false), offset, length));
    output.add(room.lastSeq(), ClusterWire.FILL_END, -1, 0, 0);
  }

  @Override
  public void keptMessage(long seq, long millis, ByteBuf shared, int offset, int length) {
    if (muted) {
      return;
    }
    for (BrokerSession broker : brokers.values()) {
      GatheredOutput output = gathered(broker);
      if (output.keepMillis != millis) {
        output.keepMillis = millis;
        output.add(millis, ClusterWire.KEEP_TIME, -1, 0, 0);
      }
      output.add(seq, ClusterWire.KEEP_MSG, output.buffer(shared, false), offset, length);
    }
  }

  @Override
  public void replayFromCopy(long connection, long from, long to, boolean since) {
    ByteBuf range = ReplayRange.encode(ByteBufAllocator.DEFAULT, from, to, since);
    add(connection, range, 0, ReplayRange.LENGTH, ClusterWire.REPLAY, true);
  }

  /**
   * The room's answer to {@code broker}'s traced ingress message: the times of its round trip so
   * far ({@link RoundTripTrace}), in the broker's output of this batch.
   */
  void trace(BrokerSession broker, long offeredAt, long appendedAt, long appliedAt, long doneAt) {
    if (muted) {
      return;
    }
    GatheredOutput output = gathered(broker);
    ByteBuf trace =
        RoundTripTrace.encode(ByteBufAllocator.DEFAULT, offeredAt, appendedAt, appliedAt, doneAt);
    output.add(0, ClusterWire.TRACE, output.buffer(trace, true), 0, RoundTripTrace.LENGTH);
  }

  @Override
  public boolean allBusy() {
    return false; // the room's batch is one ingress message: hand over at its end
  }

  @Override
  public void endOfBatch() {
    for (int i = 0; i < touched.size(); i++) {
      GatheredOutput output = touched.get(i);
      try {
        encoder.encode(output, this::deliver);
      } finally {
        output.reset();
      }
    }
    touched.clear();
  }

  @Override
  public void handOverAll() {
    endOfBatch();
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
    broker.showGauges();
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
      broker.showGauges();
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
}
