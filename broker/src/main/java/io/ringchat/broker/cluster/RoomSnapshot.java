package io.ringchat.broker.cluster;

import io.aeron.ExclusivePublication;
import io.aeron.Image;
import io.aeron.cluster.service.ClientSession;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;

/**
 * The room's state in a cluster snapshot, one small record per fragment (a snapshot of a large room
 * is many records, each far below Aeron's message limit): the format's version, the next room-wide
 * id, each broker's last applied seq, egress number and connection ids, then the members in their
 * order. Loading joins each member again with the room's output muted; a snapshot of another format
 * is refused in one line.
 *
 * <p>The service's thread only.
 */
final class RoomSnapshot {
  /**
   * The first record of every snapshot: the format's version. A snapshot without it (an older
   * ringchat's) or with another is refused in one line: its member must start from a new directory.
   */
  private static final byte FORMAT = 10;

  /** The version written; {@link ClusterDirectory} keeps the same number for the directory. */
  static final int VERSION = ClusterDirectory.FORMAT_VERSION;

  private static final byte NEXT_ID = 1;
  private static final byte BROKER = 2;
  private static final byte ID = 3;
  private static final byte MEMBER = 4;
  private static final byte END = 9;

  private final RoomService service;

  RoomSnapshot(RoomService service) {
    this.service = service;
  }

  void take(ExclusivePublication publication, ExpandableArrayBuffer buf, IdleStrategy idle) {
    buf.putByte(0, FORMAT);
    buf.putInt(1, VERSION, ByteOrder.LITTLE_ENDIAN);
    offer(publication, buf, 5, idle);
    buf.putByte(0, NEXT_ID);
    buf.putLong(1, service.nextId(), ByteOrder.LITTLE_ENDIAN);
    offer(publication, buf, 9, idle);
    service
        .brokers()
        .forEach(
            (sessionId, broker) -> {
              buf.putByte(0, BROKER);
              buf.putLong(1, sessionId, ByteOrder.LITTLE_ENDIAN);
              buf.putLong(9, broker.lastSeq, ByteOrder.LITTLE_ENDIAN);
              buf.putLong(17, broker.kept.last(), ByteOrder.LITTLE_ENDIAN);
              offer(publication, buf, 25, idle);
              broker.ids.forEach(
                  (local, id) -> {
                    buf.putByte(0, ID);
                    buf.putLong(1, sessionId, ByteOrder.LITTLE_ENDIAN);
                    buf.putLong(9, local, ByteOrder.LITTLE_ENDIAN);
                    buf.putLong(17, id, ByteOrder.LITTLE_ENDIAN);
                    offer(publication, buf, 25, idle);
                  });
            });
    service
        .room()
        .forEachMember(
            (id, name) -> {
              byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
              buf.putByte(0, MEMBER);
              buf.putLong(1, id, ByteOrder.LITTLE_ENDIAN);
              buf.putInt(9, bytes.length, ByteOrder.LITTLE_ENDIAN);
              buf.putBytes(13, bytes);
              offer(publication, buf, 13 + bytes.length, idle);
            });
    buf.putByte(0, END);
    offer(publication, buf, 1, idle);
  }

  private static void offer(
      ExclusivePublication publication, ExpandableArrayBuffer buf, int length, IdleStrategy idle) {
    idle.reset();
    while (publication.offer(buf, 0, length) < 0) {
      idle.idle(); // the snapshot is taken while the cluster waits for it: waiting is the job here
    }
  }

  void load(Image image) {
    boolean[] done = {false};
    boolean[] first = {true};
    service.out().mute(true);
    try {
      while (!done[0]) {
        int fragments =
            image.poll(
                (buffer, offset, length, header) -> {
                  byte type = buffer.getByte(offset);
                  if (first[0]) {
                    first[0] = false;
                    int version =
                        type == FORMAT ? buffer.getInt(offset + 1, ByteOrder.LITTLE_ENDIAN) : 1;
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
                  switch (type) {
                    case NEXT_ID ->
                        service.nextId(buffer.getLong(offset + 1, ByteOrder.LITTLE_ENDIAN));
                    case BROKER -> {
                      long sessionId = buffer.getLong(offset + 1, ByteOrder.LITTLE_ENDIAN);
                      ClientSession session = service.cluster().getClientSession(sessionId);
                      BrokerSession broker = service.newBroker(session);
                      broker.lastSeq = buffer.getLong(offset + 9, ByteOrder.LITTLE_ENDIAN);
                      broker.restoreEgress(buffer.getLong(offset + 17, ByteOrder.LITTLE_ENDIAN));
                      service.brokers().put(sessionId, broker);
                    }
                    case ID -> {
                      BrokerSession broker =
                          service
                              .brokers()
                              .get(buffer.getLong(offset + 1, ByteOrder.LITTLE_ENDIAN));
                      long local = buffer.getLong(offset + 9, ByteOrder.LITTLE_ENDIAN);
                      long id = buffer.getLong(offset + 17, ByteOrder.LITTLE_ENDIAN);
                      broker.ids.put(local, id);
                      service.owners().put(id, new ClusterOutbound.Owner(broker, local));
                    }
                    case MEMBER -> {
                      long id = buffer.getLong(offset + 1, ByteOrder.LITTLE_ENDIAN);
                      int n = buffer.getInt(offset + 9, ByteOrder.LITTLE_ENDIAN);
                      byte[] name = new byte[n];
                      buffer.getBytes(offset + 13, name);
                      service.restoreMember(id, new String(name, StandardCharsets.UTF_8));
                    }
                    case END -> done[0] = true;
                    default -> throw new IllegalStateException("unknown snapshot record " + type);
                  }
                },
                64);
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
}
