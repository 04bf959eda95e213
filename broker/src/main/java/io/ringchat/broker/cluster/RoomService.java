package io.ringchat.broker.cluster;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.Header;
import io.netty.buffer.ByteBufAllocator;
import io.ringchat.broker.room.HistoryOptions;
import io.ringchat.broker.room.Room;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.broker.stats.ClusterStatus;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * The room as Aeron Cluster's replicated service: every member of the cluster runs one, fed the
 * same log (the brokers' ingress, in the order the leader gave it), so every member holds the same
 * room. It is the single broker's {@link Room} itself, fed by ingress ({@link RoomIngress}) instead
 * of a ring; its output goes back to the brokers that hold the connections ({@link
 * ClusterOutbound}). This class routes what Aeron calls in with to those parts.
 *
 * <p>A broker's session that closes (the broker stopped, or was silent past the session timeout)
 * takes its connections out of the room: the others get {@code LEFT}, the names are free. It never
 * waits for one broker: what a broker's session cannot take now stays in the egress kept for it and
 * is offered again, in order, at the next ingress message or retry timer ({@link
 * EgressRetryTimer}), while the room goes on for everyone else.
 *
 * <p>The service's thread only (Aeron's clustered service agent).
 */
public final class RoomService implements ClusteredService {
  private final ClusterContext ctx;
  private final BrokerCounters counters;
  private final ClusterStatus clusterStatus;
  private final int presenceLimit;
  private final int maxLineBytes;
  private final int historyMessages;
  private final long historyBytes;
  private final LogRetention retention;
  private final SnapshotAgreement agreement;
  private final EgressRetryTimer retry;
  private final Long2ObjectHashMap<BrokerSession> brokers = new Long2ObjectHashMap<>();
  private final ConnectionIds ids = new ConnectionIds();
  private final ExpandableArrayBuffer snapshot = new ExpandableArrayBuffer(4096);

  private Cluster cluster;
  private ClusterOutbound out;
  private Room room;
  private RoomIngress ingress;

  /** The log time of the message being applied, in ms: the room's clock. */
  private long logMillis;

  /** Whether the room's epoch is named yet (by its first log message, or its snapshot). */
  private boolean numbered;

  /** A message of another layout version was ignored (said once). */
  private boolean otherVersionSeen;

  /**
   * @param members how many members the cluster has (each reports its snapshots)
   * @param retention where this member's snapshots and the agreed purge point are noted
   * @param history the room's history limits ({@code --history}, {@code --history-bytes}); its
   *     epoch and clock are the log's, not these
   */
  public RoomService(
      ClusterContext ctx,
      BrokerCounters counters,
      ClusterStatus clusterStatus,
      int presenceLimit,
      int maxLineBytes,
      int members,
      LogRetention retention,
      HistoryOptions history) {
    this.ctx = ctx;
    this.counters = counters;
    this.clusterStatus = clusterStatus;
    this.presenceLimit = presenceLimit;
    this.maxLineBytes = maxLineBytes;
    this.retention = retention;
    this.historyMessages = history.messages();
    this.historyBytes = history.bytes();
    this.agreement = new SnapshotAgreement(members);
    this.retry = new EgressRetryTimer(ctx.egressRetryFirstMs(), ctx.egressRetryMaxMs());
  }

  @Override
  public void onStart(Cluster cluster, Image snapshotImage) {
    this.cluster = cluster;
    this.out = new ClusterOutbound(ids.owners(), brokers, ctx.maxOutputBytes());
    this.room =
        new Room(
            ByteBufAllocator.DEFAULT,
            out,
            counters,
            presenceLimit,
            maxLineBytes,
            Room.MAX_SEGMENT_BYTES,
            new HistoryOptions(UNNAMED_EPOCH, historyMessages, historyBytes, () -> logMillis));
    this.ingress = new RoomIngress(room, out, ids, ctx.epochClock());
    if (snapshotImage != null) {
      new RoomSnapshot(this).load(snapshotImage);
    }
  }

  /** The epoch's placeholder until the log names it: no member can join before that. */
  private static final String UNNAMED_EPOCH = "0";

  @Override
  public void onSessionOpen(ClientSession session, long timestamp) {
    logTime(timestamp);
    brokers.put(session.id(), newBroker(session));
  }

  /**
   * The log's time for the message being applied: the room's clock (the room keeps the times it
   * hands out from going backwards, across leaders too: its last is in the snapshot). The first
   * message the room ever applies names its epoch, the same on every member and for its lifetime.
   */
  private void logTime(long timestamp) {
    logMillis = cluster.timeUnit().toMillis(timestamp);
    if (!numbered) {
      numbered = true;
      room.numbering(Long.toString(logMillis, 36), 0, 0); // its ms in base 36: 0-9a-z
    }
  }

  /** The room's numbering came from a snapshot. */
  void numbered() {
    numbered = true;
  }

  /** A broker's state in the room, for a session that opened or one restored from a snapshot. */
  BrokerSession newBroker(ClientSession session) {
    BrokerSession broker = BrokerSession.of(session, ctx.keptEgressBytes());
    broker.gauges = clusterStatus.egressOpened(session.id());
    return broker;
  }

  @Override
  public void onSessionClose(ClientSession session, long timestamp, CloseReason closeReason) {
    logTime(timestamp);
    if (closeReason == CloseReason.TIMEOUT) {
      clusterStatus.sessionTimedOut();
    }
    BrokerSession broker = brokers.remove(session.id());
    if (broker == null) {
      return;
    }
    out.forget(broker);
    clusterStatus.egressClosed(session.id());
    ingress.brokerGone(broker);
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
    if (broker == null || length < MessageHeader.LENGTH) {
      return;
    }
    logTime(timestamp);
    if (!MessageHeader.isCurrent(buffer, offset)) {
      otherVersion(session, MessageHeader.version(buffer, offset));
      return;
    }
    out.pump(); // whatever a broker could not take before goes first, in order
    switch (MessageHeader.type(buffer, offset)) {
      case ClusterWire.EVENTS -> {
        ingress.onEvents(broker, buffer, offset, cluster.timeUnit().toNanos(timestamp));
        endBatch();
      }
      case ClusterWire.RESYNC -> {
        out.resend(broker, ControlFlyweights.Resync.last(buffer, offset));
        retryLater();
      }
      case ClusterWire.FILL -> {
        long from = ControlFlyweights.HistoryFill.from(buffer, offset);
        out.fill(broker, room, from, ctx.historyFillPartBytes());
        endBatch();
      }
      case ClusterWire.SNAPSHOT_TAKEN -> {
        int member = ControlFlyweights.SnapshotTaken.member(buffer, offset);
        long position = ControlFlyweights.SnapshotTaken.position(buffer, offset);
        long purgeBelow = agreement.onReport(member, position);
        if (purgeBelow >= 0) {
          retention.purgeBelow(purgeBelow);
        }
        clusterStatus.snapshotReported(member, position, purgeBelow);
      }
      default -> {
        // a newer broker's message: nothing this room knows to do
      }
    }
  }

  private void otherVersion(ClientSession session, byte version) {
    if (!otherVersionSeen) {
      otherVersionSeen = true;
      System.err.println(
          "ringchat cluster: ignored a message of layout version "
              + version
              + " from session "
              + session.id()
              + " (this room reads "
              + ClusterWire.VERSION
              + "): every broker of a cluster must run the same ringchat");
    }
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
    // Printed by the node's watcher, with the term. A timer this member scheduled as leader fires
    // only on a leader's consensus module: schedule afresh when leading again.
    retry.reset();
  }

  @Override
  public void onTerminate(Cluster cluster) {
    // The container closes: the broker stops, or the member restarts in place (ClusterNode), where
    // the process goes on and a new room takes over; this one lets go of its kept lines.
    if (room != null) {
      room.onShutdown();
    }
  }

  // For RoomSnapshot.

  Room room() {
    return room;
  }

  Long2ObjectHashMap<BrokerSession> brokers() {
    return brokers;
  }

  ConnectionIds ids() {
    return ids;
  }

  ClusterOutbound out() {
    return out;
  }

  Cluster cluster() {
    return cluster;
  }
}
