package io.ringchat.broker.cluster;

import static io.ringchat.broker.cluster.ClusterWire.ORDER;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The small messages: {@link Resync}, {@link Skip}, {@link SnapshotTaken} and {@link HistoryFill}.
 */
final class ControlFlyweights {
  private ControlFlyweights() {}

  // Resync, Skip and HistoryFill are their header and one long.
  private static final int LONG_OFFSET = MessageHeader.LENGTH;
  private static final int ONE_LONG_LENGTH = LONG_OFFSET + Long.BYTES;

  private static void putOneLong(MutableDirectBuffer buffer, byte type, long value) {
    MessageHeader.put(buffer, 0, type);
    buffer.putLong(LONG_OFFSET, value, ORDER);
  }

  private static long oneLong(DirectBuffer buffer, int offset) {
    return buffer.getLong(offset + LONG_OFFSET, ORDER);
  }

  /** {@link ClusterWire#RESYNC}, broker to room: the last egress number the broker has. */
  static final class Resync {
    private Resync() {}

    static final int LENGTH = ONE_LONG_LENGTH;

    static void put(MutableDirectBuffer buffer, long last) {
      putOneLong(buffer, ClusterWire.RESYNC, last);
    }

    static long last(DirectBuffer buffer, int offset) {
      return oneLong(buffer, offset);
    }
  }

  /** {@link ClusterWire#SKIP}, room to broker: the oldest egress number still kept. */
  static final class Skip {
    private Skip() {}

    static final int LENGTH = ONE_LONG_LENGTH;

    static void put(MutableDirectBuffer buffer, long next) {
      putOneLong(buffer, ClusterWire.SKIP, next);
    }

    static long next(DirectBuffer buffer, int offset) {
      return oneLong(buffer, offset);
    }
  }

  /** {@link ClusterWire#FILL}, broker to room: send me the kept messages from this seq on. */
  static final class HistoryFill {
    private HistoryFill() {}

    static final int LENGTH = ONE_LONG_LENGTH;

    static void put(MutableDirectBuffer buffer, long from) {
      putOneLong(buffer, ClusterWire.FILL, from);
    }

    static long from(DirectBuffer buffer, int offset) {
      return oneLong(buffer, offset);
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
