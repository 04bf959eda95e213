package io.ringchat.broker.cluster;

import static io.ringchat.broker.cluster.ClusterWire.ORDER;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The small messages: {@link Resync}, {@link Skip}, {@link SnapshotTaken} and {@link HistoryFill}.
 */
final class ControlFlyweights {
  private ControlFlyweights() {}

  /** {@link ClusterWire#RESYNC}, broker to room: the last egress number the broker has. */
  static final class Resync {
    private Resync() {}

    static final int LAST_OFFSET = MessageHeader.LENGTH;
    static final int LENGTH = LAST_OFFSET + Long.BYTES;

    static void put(MutableDirectBuffer buffer, long last) {
      MessageHeader.put(buffer, 0, ClusterWire.RESYNC);
      buffer.putLong(LAST_OFFSET, last, ORDER);
    }

    static long last(DirectBuffer buffer, int offset) {
      return buffer.getLong(offset + LAST_OFFSET, ORDER);
    }
  }

  /** {@link ClusterWire#SKIP}, room to broker: the oldest egress number still kept. */
  static final class Skip {
    private Skip() {}

    static final int NEXT_OFFSET = MessageHeader.LENGTH;
    static final int LENGTH = NEXT_OFFSET + Long.BYTES;

    static void put(MutableDirectBuffer buffer, long next) {
      MessageHeader.put(buffer, 0, ClusterWire.SKIP);
      buffer.putLong(NEXT_OFFSET, next, ORDER);
    }

    static long next(DirectBuffer buffer, int offset) {
      return buffer.getLong(offset + NEXT_OFFSET, ORDER);
    }
  }

  /** {@link ClusterWire#FILL}, broker to room: send me the kept messages from this seq on. */
  static final class HistoryFill {
    private HistoryFill() {}

    static final int FROM_OFFSET = MessageHeader.LENGTH;
    static final int LENGTH = FROM_OFFSET + Long.BYTES;

    static void put(MutableDirectBuffer buffer, long from) {
      MessageHeader.put(buffer, 0, ClusterWire.FILL);
      buffer.putLong(FROM_OFFSET, from, ORDER);
    }

    static long from(DirectBuffer buffer, int offset) {
      return buffer.getLong(offset + FROM_OFFSET, ORDER);
    }
  }

  /** {@link ClusterWire#SNAPSHOT_TAKEN}, broker to room: a member's snapshot position. */
  static final class SnapshotTaken {
    private SnapshotTaken() {}

    static final int MEMBER_OFFSET = MessageHeader.LENGTH;
    static final int POSITION_OFFSET = MEMBER_OFFSET + Integer.BYTES;
    static final int LENGTH = POSITION_OFFSET + Long.BYTES;

    static void put(MutableDirectBuffer buffer, int member, long position) {
      MessageHeader.put(buffer, 0, ClusterWire.SNAPSHOT_TAKEN);
      buffer.putInt(MEMBER_OFFSET, member, ORDER);
      buffer.putLong(POSITION_OFFSET, position, ORDER);
    }

    static int member(DirectBuffer buffer, int offset) {
      return buffer.getInt(offset + MEMBER_OFFSET, ORDER);
    }

    static long position(DirectBuffer buffer, int offset) {
      return buffer.getLong(offset + POSITION_OFFSET, ORDER);
    }
  }
}
