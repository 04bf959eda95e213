package io.ringchat.broker.cluster;

import static io.ringchat.broker.cluster.SnapshotRecords.BROKER_LAST_EGRESS_OFFSET;
import static io.ringchat.broker.cluster.SnapshotRecords.BROKER_LAST_SEQ_OFFSET;
import static io.ringchat.broker.cluster.SnapshotRecords.BROKER_SESSION_OFFSET;
import static io.ringchat.broker.cluster.SnapshotRecords.ID_LOCAL_OFFSET;
import static io.ringchat.broker.cluster.SnapshotRecords.ID_ROOM_OFFSET;
import static io.ringchat.broker.cluster.SnapshotRecords.ID_SESSION_OFFSET;
import static io.ringchat.broker.cluster.SnapshotRecords.KEPT_LINE_OFFSET;
import static io.ringchat.broker.cluster.SnapshotRecords.MEMBER_ID_OFFSET;
import static io.ringchat.broker.cluster.SnapshotRecords.NEXT_ID_OFFSET;
import static io.ringchat.broker.cluster.SnapshotRecords.NUMBERING_MILLIS_OFFSET;
import static io.ringchat.broker.cluster.SnapshotRecords.NUMBERING_SEQ_OFFSET;
import static io.ringchat.broker.cluster.SnapshotRecords.getLong;

import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.cluster.service.ClientSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.ringchat.broker.room.Room;
import io.ringchat.protocol.JoinPosition;
import io.ringchat.protocol.Names;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * The room's state in a cluster snapshot, one small record per message ({@link SnapshotRecords}; a
 * snapshot of a large room is many records, each far below Aeron's message limit): the format's
 * version, the next room-wide id, each broker's last applied seq, egress number and connection ids,
 * the room's numbering and kept lines, then the members in their order. Loading joins each member
 * again with the room's output muted; a snapshot of another format is refused in one line.
 *
 * <p>The service's thread only.
 */
final class RoomSnapshot {
  /** The version written; {@link ClusterDirectory} keeps the same number for the directory. */
  static final int VERSION = ClusterDirectory.FORMAT_VERSION;

  private final RoomService service;
  private boolean first = true;
  private boolean done;

  RoomSnapshot(RoomService service) {
    this.service = service;
  }

  void take(ExclusivePublication publication, ExpandableArrayBuffer buf, IdleStrategy idle) {
    offer(publication, buf, SnapshotRecords.putFormat(buf, VERSION), idle);
    offer(publication, buf, SnapshotRecords.putNextId(buf, service.ids().next()), idle);
    service
        .brokers()
        .forEach(
            (session, broker) -> {
              long lastEgress = broker.kept.last();
              int length = SnapshotRecords.putBroker(buf, session, broker.lastSeq, lastEgress);
              offer(publication, buf, length, idle);
              broker.ids.forEach(
                  (local, id) ->
                      offer(
                          publication, buf, SnapshotRecords.putId(buf, session, local, id), idle));
            });
    Room room = service.room();
    offer(
        publication,
        buf,
        SnapshotRecords.putNumbering(buf, room.epoch(), room.lastSeq(), room.lastMillis()),
        idle);
    room.forEachKept(
        (chunk, from, length) ->
            offer(publication, buf, SnapshotRecords.putKept(buf, chunk, from, length), idle));
    room.forEachMember(
        (id, name, positioned) ->
            offer(publication, buf, SnapshotRecords.putMember(buf, id, name, positioned), idle));
    offer(publication, buf, SnapshotRecords.putEnd(buf), idle);
  }

  private static void offer(
      ExclusivePublication publication, ExpandableArrayBuffer buf, int length, IdleStrategy idle) {
    idle.reset();
    while (publication.offer(buf, 0, length) < 0) {
      idle.idle(); // the snapshot is taken while the cluster waits for it: waiting is the job here
    }
  }

  void load(Image image) {
    service.out().mute(true);
    try {
      while (!done) {
        int fragments = image.poll(records, 64);
        if (fragments == 0) {
          if (image.isClosed()) {
            throw new IllegalStateException("snapshot ended early");
          }
          service.cluster().idleStrategy().idle();
        }
      }
      service.room().endBatch();
    } finally {
      service.out().mute(false);
    }
  }

  /** A kept line may be longer than one fragment: records are read whole. */
  private final FragmentAssembler records =
      new FragmentAssembler((buffer, offset, length, header) -> read(buffer, offset, length));

  private void read(DirectBuffer buffer, int offset, int length) {
    if (first) {
      first = false;
      int version = SnapshotRecords.version(buffer, offset);
      if (version != VERSION) {
        throw new IllegalStateException(
            "the cluster's snapshot is format "
                + version
                + ", this ringchat reads "
                + VERSION
                + ": start this member from a new --cluster-dir");
      }
      return;
    }
    byte type = SnapshotRecords.type(buffer, offset);
    switch (type) {
      case SnapshotRecords.NEXT_ID -> service.ids().next(getLong(buffer, offset, NEXT_ID_OFFSET));
      case SnapshotRecords.BROKER -> {
        long sessionId = getLong(buffer, offset, BROKER_SESSION_OFFSET);
        ClientSession session = service.cluster().getClientSession(sessionId);
        BrokerSession broker = service.newBroker(session);
        broker.lastSeq = getLong(buffer, offset, BROKER_LAST_SEQ_OFFSET);
        broker.restoreEgress(getLong(buffer, offset, BROKER_LAST_EGRESS_OFFSET));
        service.brokers().put(sessionId, broker);
      }
      case SnapshotRecords.ID -> {
        BrokerSession broker = service.brokers().get(getLong(buffer, offset, ID_SESSION_OFFSET));
        long local = getLong(buffer, offset, ID_LOCAL_OFFSET);
        service.ids().put(broker, local, getLong(buffer, offset, ID_ROOM_OFFSET));
      }
      case SnapshotRecords.NUMBERING -> {
        service
            .room()
            .numbering(
                SnapshotRecords.numberingEpoch(buffer, offset, length),
                getLong(buffer, offset, NUMBERING_SEQ_OFFSET),
                getLong(buffer, offset, NUMBERING_MILLIS_OFFSET));
        service.numbered();
      }
      case SnapshotRecords.KEPT -> {
        int lineLength = length - KEPT_LINE_OFFSET;
        ByteBuf line = Unpooled.buffer(lineLength);
        buffer.getBytes(offset + KEPT_LINE_OFFSET, line.array(), 0, lineLength);
        line.writerIndex(lineLength);
        service.room().restoreKept(line);
      }
      case SnapshotRecords.MEMBER -> {
        long id = getLong(buffer, offset, MEMBER_ID_OFFSET);
        String name = SnapshotRecords.memberName(buffer, offset);
        // Seated again, output discarded; a positioned member asks for no replay (it had it).
        service
            .room()
            .onJoin(
                id,
                Names.parse(name).name(),
                SnapshotRecords.memberPositioned(buffer, offset) ? JoinPosition.history(0) : null);
      }
      case SnapshotRecords.END -> done = true;
      default -> throw new IllegalStateException("unknown snapshot record " + type);
    }
  }
}
