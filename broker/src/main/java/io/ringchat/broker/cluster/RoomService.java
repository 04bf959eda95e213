package io.ringchat.broker.cluster;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.ringchat.broker.room.Room;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.Name;
import io.ringchat.protocol.Names;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.IdleStrategy;

/**
 * The room as Aeron Cluster's replicated service: every member of the cluster runs one, fed the
 * same log (the brokers' ingress, in the order the leader gave it), so every member holds the same
 * room. It is the single broker's {@link Room} itself, fed by ingress instead of a ring; its output
 * goes back to the brokers that hold the connections ({@link ClusterOutbound}).
 *
 * <p>Exactly once: each broker numbers its ingress messages; one the room has applied already (a
 * broker sends again what was not acknowledged when a leader changed) is only acknowledged again. A
 * broker's session that closes (the broker stopped, or was silent past the session timeout) takes
 * its connections out of the room: the others get {@code LEFT}, the names are free.
 *
 * <p>The service's thread only (Aeron's clustered service agent).
 */
public final class RoomService implements ClusteredService {
  private final BrokerCounters counters;
  private final int presenceLimit;
  private final int maxLineBytes;
  private final LogRetention retention;
  private final SnapshotAgreement agreement;

  private final Long2ObjectHashMap<ClusterOutbound.Broker> brokers = new Long2ObjectHashMap<>();
  private final Long2ObjectHashMap<ClusterOutbound.Owner> owners = new Long2ObjectHashMap<>();
  private final ExpandableArrayBuffer snapshot = new ExpandableArrayBuffer(4096);

  /** The text of the event being applied, copied out of the log: one buffer, reused. */
  private final ByteBuf detail = Unpooled.buffer(256);

  private Cluster cluster;
  private ClusterOutbound out;
  private Room room;
  private long nextId = 1;

  /**
   * @param members how many members the cluster has (each reports its snapshots)
   * @param retention where this member's snapshots and the agreed purge point are noted
   */
  public RoomService(
      BrokerCounters counters,
      int presenceLimit,
      int maxLineBytes,
      int members,
      LogRetention retention) {
    this.counters = counters;
    this.presenceLimit = presenceLimit;
    this.maxLineBytes = maxLineBytes;
    this.retention = retention;
    this.agreement = new SnapshotAgreement(members);
  }

  @Override
  public void onStart(Cluster cluster, Image snapshotImage) {
    this.cluster = cluster;
    this.out = new ClusterOutbound(owners, this::offer);
    this.room = new Room(ByteBufAllocator.DEFAULT, out, counters, presenceLimit, maxLineBytes);
    if (snapshotImage != null) {
      new RoomSnapshot(this).load(snapshotImage);
    }
  }

  /** Offers egress, waiting out back pressure for a while: a broker that never drains loses it. */
  private void offer(ClientSession session, ExpandableArrayBuffer buffer, int length) {
    IdleStrategy idle = cluster.idleStrategy();
    idle.reset();
    for (int attempt = 0; attempt < 1_000; attempt++) {
      if (session.offer(buffer, 0, length) > 0 || session.isClosing()) {
        return;
      }
      idle.idle();
    }
    System.err.println("ringchat cluster: egress to session " + session.id() + " dropped");
  }

  @Override
  public void onSessionOpen(ClientSession session, long timestamp) {
    brokers.put(session.id(), new ClusterOutbound.Broker(session));
  }

  @Override
  public void onSessionClose(ClientSession session, long timestamp, CloseReason closeReason) {
    ClusterOutbound.Broker broker = brokers.remove(session.id());
    if (broker == null) {
      return;
    }
    // The broker is gone: each of its connections leaves, as if each had disconnected.
    List<Long> ids = new ArrayList<>();
    broker.ids.forEach((local, id) -> ids.add(id));
    ids.sort(null); // the same order on every member
    for (long id : ids) {
      room.onDisconnect(id);
      owners.remove(id);
    }
    room.endBatch();
  }

  @Override
  public void onSessionMessage(
      ClientSession session,
      long timestamp,
      DirectBuffer buffer,
      int offset,
      int length,
      Header header) {
    ClusterOutbound.Broker broker = brokers.get(session.id());
    if (broker == null) {
      return;
    }
    if (buffer.getByte(offset) == ClusterWire.RESYNC) {
      out.resend(broker, buffer.getLong(offset + 1, ByteOrder.LITTLE_ENDIAN));
      return;
    }
    if (buffer.getByte(offset) == ClusterWire.SNAPSHOT_TAKEN) {
      long purgeBelow =
          agreement.onReport(
              buffer.getInt(offset + 1, ByteOrder.LITTLE_ENDIAN),
              buffer.getLong(offset + 5, ByteOrder.LITTLE_ENDIAN));
      if (purgeBelow >= 0) {
        retention.purgeBelow(purgeBelow);
      }
      return;
    }
    if (buffer.getByte(offset) != ClusterWire.EVENTS) {
      return;
    }
    long seq = buffer.getLong(offset + 1, ByteOrder.LITTLE_ENDIAN);
    out.ack(broker);
    if (seq <= broker.lastSeq) {
      room.endBatch(); // sent again after a leader change: applied already, acknowledge only
      return;
    }
    broker.lastSeq = seq;
    int count = buffer.getInt(offset + 9, ByteOrder.LITTLE_ENDIAN);
    int at = offset + ClusterWire.EVENTS_HEADER;
    for (int i = 0; i < count; i++) {
      byte kind = buffer.getByte(at);
      long local = buffer.getLong(at + 1, ByteOrder.LITTLE_ENDIAN);
      int bytes = buffer.getInt(at + 9, ByteOrder.LITTLE_ENDIAN);
      at += ClusterWire.EVENT_HEADER;
      ByteBuf detail = null;
      if (bytes >= 0) {
        detail = this.detail.clear().ensureWritable(bytes);
        buffer.getBytes(at, detail.array(), detail.arrayOffset(), bytes);
        detail.writerIndex(bytes);
        at += bytes;
      }
      apply(broker, kind, local, detail);
    }
    room.endBatch();
  }

  /**
   * Applies one event; {@code detail} (its text, or null) is only good for this call: the room
   * copies what it keeps.
   */
  private void apply(ClusterOutbound.Broker broker, byte kind, long local, ByteBuf detail) {
    long id = idOf(broker, local);
    switch (kind) {
      case ClusterWire.JOIN -> {
        Names.Result result = Names.parse(detail.toString(StandardCharsets.UTF_8));
        if (result.name() != null) {
          room.onJoin(id, result.name());
        } else {
          room.onReject(id, result.error());
        }
      }
      case ClusterWire.SEND -> room.onSend(id, detail == null ? Unpooled.EMPTY_BUFFER : detail);
      case ClusterWire.WHO -> room.onWho(id);
      case ClusterWire.PING -> room.onPing(id, detail);
      case ClusterWire.LEAVE -> room.onLeave(id);
      case ClusterWire.REJECT ->
          room.onReject(id, ErrorCode.fromWireName(detail.toString(StandardCharsets.UTF_8)));
      case ClusterWire.DISCONNECTED, ClusterWire.EVICTED -> {
        if (kind == ClusterWire.DISCONNECTED) {
          room.onDisconnect(id);
        } else {
          room.onEvict(id);
        }
        broker.ids.remove(local);
        owners.remove(id);
      }
      default -> {
        // a newer broker's event: nothing this room knows to do
      }
    }
  }

  /** The room-wide id of a broker's connection, made on first sight. */
  private long idOf(ClusterOutbound.Broker broker, long local) {
    long id = broker.ids.get(local);
    if (id == 0) {
      id = nextId++;
      broker.ids.put(local, id);
      owners.put(id, new ClusterOutbound.Owner(broker, local));
    }
    return id;
  }

  @Override
  public void onTimerEvent(long correlationId, long timestamp) {
    // no timers
  }

  @Override
  public void onTakeSnapshot(ExclusivePublication snapshotPublication) {
    new RoomSnapshot(this).take(snapshotPublication, snapshot, cluster.idleStrategy());
    retention.snapshotTaken(cluster.logPosition()); // the broker's link reports it to the room
  }

  @Override
  public void onRoleChange(Cluster.Role newRole) {
    // printed by the node's role monitor, with the term
  }

  @Override
  public void onTerminate(Cluster cluster) {
    // nothing held outside the cluster's own files
  }

  // For RoomSnapshot.

  Room room() {
    return room;
  }

  Long2ObjectHashMap<ClusterOutbound.Broker> brokers() {
    return brokers;
  }

  Long2ObjectHashMap<ClusterOutbound.Owner> owners() {
    return owners;
  }

  ClusterOutbound out() {
    return out;
  }

  Cluster cluster() {
    return cluster;
  }

  long nextId() {
    return nextId;
  }

  void nextId(long next) {
    this.nextId = next;
  }

  /** Rebuilds a member from a snapshot: seated again, its output discarded. */
  void restoreMember(long id, String name) {
    Name parsed = Names.parse(name).name();
    room.onJoin(id, parsed);
  }
}
