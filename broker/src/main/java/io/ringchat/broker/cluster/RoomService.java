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
import io.ringchat.broker.stats.ClusterStatus;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.Name;
import io.ringchat.protocol.Names;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;

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
 * <p>It never waits for one broker: what a broker's session cannot take now stays in the egress
 * kept for it and is offered again, in order, at the next ingress message or retry timer ({@link
 * EgressRetryTimer}), while the room goes on for everyone else ({@link EgressDelivery}).
 *
 * <p>The service's thread only (Aeron's clustered service agent).
 */
public final class RoomService implements ClusteredService {
  private final BrokerCounters counters;
  private final ClusterStatus clusterStatus;
  private final int presenceLimit;
  private final int maxLineBytes;
  private final LogRetention retention;
  private final SnapshotAgreement agreement;

  private final Long2ObjectHashMap<BrokerSession> brokers = new Long2ObjectHashMap<>();
  private final Long2ObjectHashMap<ClusterOutbound.Owner> owners = new Long2ObjectHashMap<>();
  private final ExpandableArrayBuffer snapshot = new ExpandableArrayBuffer(4096);

  /** The text of the event being applied, copied out of the log: one buffer, reused. */
  private final ByteBuf detail = Unpooled.buffer(256);

  private final EgressRetryTimer retry = new EgressRetryTimer();

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
      ClusterStatus clusterStatus,
      int presenceLimit,
      int maxLineBytes,
      int members,
      LogRetention retention) {
    this.counters = counters;
    this.clusterStatus = clusterStatus;
    this.presenceLimit = presenceLimit;
    this.maxLineBytes = maxLineBytes;
    this.retention = retention;
    this.agreement = new SnapshotAgreement(members);
  }

  @Override
  public void onStart(Cluster cluster, Image snapshotImage) {
    this.cluster = cluster;
    this.out = new ClusterOutbound(owners);
    this.room = new Room(ByteBufAllocator.DEFAULT, out, counters, presenceLimit, maxLineBytes);
    if (snapshotImage != null) {
      new RoomSnapshot(this).load(snapshotImage);
    }
  }

  @Override
  public void onSessionOpen(ClientSession session, long timestamp) {
    brokers.put(session.id(), newBroker(session));
  }

  /** A broker's state in the room, for a session that opened or one restored from a snapshot. */
  BrokerSession newBroker(ClientSession session) {
    BrokerSession broker = new BrokerSession(session);
    broker.gauges = clusterStatus.egressOpened(session.id());
    return broker;
  }

  @Override
  public void onSessionClose(ClientSession session, long timestamp, CloseReason closeReason) {
    BrokerSession broker = brokers.remove(session.id());
    if (broker == null) {
      return;
    }
    out.forget(broker);
    clusterStatus.egressClosed(session.id());
    // The broker is gone: each of its connections leaves, as if each had disconnected.
    List<Long> ids = new ArrayList<>();
    broker.ids.forEach((local, id) -> ids.add(id));
    ids.sort(null); // the same order on every member
    for (long id : ids) {
      room.onDisconnect(id);
      owners.remove(id);
    }
    endBatch();
  }

  @Override
  public void onSessionMessage(
      ClientSession session,
      long timestamp,
      DirectBuffer buffer,
      int offset,
      int length,
      Header header) {
    BrokerSession broker = brokers.get(session.id());
    if (broker == null) {
      return;
    }
    out.pump(); // whatever a broker could not take before goes first, in order
    if (buffer.getByte(offset) == ClusterWire.RESYNC) {
      out.resend(broker, buffer.getLong(offset + 1, ByteOrder.LITTLE_ENDIAN));
      retryLater();
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
      endBatch(); // sent again after a leader change: applied already, acknowledge only
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
    endBatch();
  }

  /** Ends the room's batch: its output goes to the brokers; one that could not take it all... */
  private void endBatch() {
    room.endBatch();
    retryLater();
  }

  /**
   * ...is offered the rest again at the next ingress message, or, on a quiet room, when the
   * leader's retry timer fires ({@link EgressRetryTimer}). Never waits: a timer the cluster cannot
   * take now is asked for again at the next message.
   */
  private void retryLater() {
    if (!out.anyBehind()) {
      retry.caughtUp();
      return;
    }
    long delayMs = cluster.role() == Cluster.Role.LEADER ? retry.delayToSchedule() : -1;
    if (delayMs < 0) {
      return;
    }
    long id = cluster.logPosition(); // no leader ever schedules at the same position
    long deadline = cluster.time() + cluster.timeUnit().convert(delayMs, TimeUnit.MILLISECONDS);
    if (cluster.scheduleTimer(id, deadline)) {
      retry.scheduled(id);
    }
  }

  /**
   * Applies one event; {@code detail} (its text, or null) is only good for this call: the room
   * copies what it keeps.
   */
  private void apply(BrokerSession broker, byte kind, long local, ByteBuf detail) {
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
  private long idOf(BrokerSession broker, long local) {
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
    if (retry.fired(correlationId)) {
      out.pump();
      retryLater();
    }
  }

  @Override
  public void onTakeSnapshot(ExclusivePublication snapshotPublication) {
    new RoomSnapshot(this).take(snapshotPublication, snapshot, cluster.idleStrategy());
    retention.snapshotTaken(cluster.logPosition()); // the broker's link reports it to the room
  }

  @Override
  public void onRoleChange(Cluster.Role newRole) {
    // Printed by the node's role monitor, with the term. A timer this member scheduled as leader
    // fires only on a leader's consensus module: schedule afresh when leading again.
    retry.reset();
  }

  @Override
  public void onTerminate(Cluster cluster) {
    // nothing held outside the cluster's own files
  }

  // For RoomSnapshot.

  Room room() {
    return room;
  }

  Long2ObjectHashMap<BrokerSession> brokers() {
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
