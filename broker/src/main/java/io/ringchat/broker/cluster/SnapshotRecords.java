package io.ringchat.broker.cluster;

import static io.ringchat.broker.cluster.ClusterWire.ORDER;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The records of a room snapshot, one per fragment, each a type byte then its fields: {@link
 * #FORMAT} (the version) first, {@link #NEXT_ID}, a {@link #BROKER} per broker with an {@link #ID}
 * per connection of it, {@link #NUMBERING} then a {@link #KEPT} per kept line (oldest first), a
 * {@link #MEMBER} per member in the room's order, {@link #END}. Written at 0 of a buffer; each
 * {@code put} returns the record's length. Read by {@link RoomSnapshot}.
 */
final class SnapshotRecords {
  private SnapshotRecords() {}

  static final byte NEXT_ID = 1;
  static final byte BROKER = 2;
  static final byte ID = 3;
  static final byte MEMBER = 4;
  static final byte NUMBERING = 5;
  static final byte KEPT = 6;
  static final byte END = 9;
  static final byte FORMAT = 10;

  static final int TYPE_OFFSET = 0;
  static final int BODY_OFFSET = TYPE_OFFSET + Byte.BYTES;

  /** FORMAT: int version. */
  static final int FORMAT_VERSION_OFFSET = BODY_OFFSET;

  /** NEXT_ID: long next room-wide id. */
  static final int NEXT_ID_OFFSET = BODY_OFFSET;

  /** BROKER: long session, long last seq, long last egress number. */
  static final int BROKER_SESSION_OFFSET = BODY_OFFSET;

  static final int BROKER_LAST_SEQ_OFFSET = BROKER_SESSION_OFFSET + Long.BYTES;
  static final int BROKER_LAST_EGRESS_OFFSET = BROKER_LAST_SEQ_OFFSET + Long.BYTES;

  /** ID: long session, long the broker's connection id, long the room-wide id. */
  static final int ID_SESSION_OFFSET = BODY_OFFSET;

  static final int ID_LOCAL_OFFSET = ID_SESSION_OFFSET + Long.BYTES;
  static final int ID_ROOM_OFFSET = ID_LOCAL_OFFSET + Long.BYTES;

  /** MEMBER: long room-wide id, byte positioned (1 or 0), int name length, the name in UTF-8. */
  static final int MEMBER_ID_OFFSET = BODY_OFFSET;

  static final int MEMBER_POSITIONED_OFFSET = MEMBER_ID_OFFSET + Long.BYTES;
  static final int MEMBER_NAME_LENGTH_OFFSET = MEMBER_POSITIONED_OFFSET + Byte.BYTES;
  static final int MEMBER_NAME_OFFSET = MEMBER_NAME_LENGTH_OFFSET + Integer.BYTES;

  static byte type(DirectBuffer buffer, int offset) {
    return buffer.getByte(offset + TYPE_OFFSET);
  }

  static int putFormat(MutableDirectBuffer buffer, int version) {
    buffer.putByte(TYPE_OFFSET, FORMAT);
    buffer.putInt(FORMAT_VERSION_OFFSET, version, ORDER);
    return FORMAT_VERSION_OFFSET + Integer.BYTES;
  }

  /** The version of a snapshot whose first record is at {@code offset} (1: it has none). */
  static int version(DirectBuffer buffer, int offset) {
    return type(buffer, offset) == FORMAT
        ? buffer.getInt(offset + FORMAT_VERSION_OFFSET, ORDER)
        : 1;
  }

  static int putNextId(MutableDirectBuffer buffer, long next) {
    buffer.putByte(TYPE_OFFSET, NEXT_ID);
    buffer.putLong(NEXT_ID_OFFSET, next, ORDER);
    return NEXT_ID_OFFSET + Long.BYTES;
  }

  static int putBroker(MutableDirectBuffer buffer, long session, long lastSeq, long lastEgress) {
    buffer.putByte(TYPE_OFFSET, BROKER);
    buffer.putLong(BROKER_SESSION_OFFSET, session, ORDER);
    buffer.putLong(BROKER_LAST_SEQ_OFFSET, lastSeq, ORDER);
    buffer.putLong(BROKER_LAST_EGRESS_OFFSET, lastEgress, ORDER);
    return BROKER_LAST_EGRESS_OFFSET + Long.BYTES;
  }

  static int putId(MutableDirectBuffer buffer, long session, long local, long id) {
    buffer.putByte(TYPE_OFFSET, ID);
    buffer.putLong(ID_SESSION_OFFSET, session, ORDER);
    buffer.putLong(ID_LOCAL_OFFSET, local, ORDER);
    buffer.putLong(ID_ROOM_OFFSET, id, ORDER);
    return ID_ROOM_OFFSET + Long.BYTES;
  }

  /** NUMBERING: long the newest seq, long its time (ms), the epoch in ASCII (the rest). */
  static final int NUMBERING_SEQ_OFFSET = BODY_OFFSET;

  static final int NUMBERING_MILLIS_OFFSET = NUMBERING_SEQ_OFFSET + Long.BYTES;
  static final int NUMBERING_EPOCH_OFFSET = NUMBERING_MILLIS_OFFSET + Long.BYTES;

  /** KEPT: one kept POST line (the rest of the record). */
  static final int KEPT_LINE_OFFSET = BODY_OFFSET;

  static int putNumbering(MutableDirectBuffer buffer, String epoch, long lastSeq, long lastMillis) {
    buffer.putByte(TYPE_OFFSET, NUMBERING);
    buffer.putLong(NUMBERING_SEQ_OFFSET, lastSeq, ORDER);
    buffer.putLong(NUMBERING_MILLIS_OFFSET, lastMillis, ORDER);
    return NUMBERING_EPOCH_OFFSET
        + buffer.putStringWithoutLengthAscii(NUMBERING_EPOCH_OFFSET, epoch);
  }

  static String numberingEpoch(DirectBuffer buffer, int offset, int length) {
    return buffer.getStringWithoutLengthAscii(
        offset + NUMBERING_EPOCH_OFFSET, length - NUMBERING_EPOCH_OFFSET);
  }

  static int putKept(MutableDirectBuffer buffer, ByteBuf chunk, int from, int length) {
    buffer.putByte(TYPE_OFFSET, KEPT);
    buffer.putBytes(KEPT_LINE_OFFSET, chunk.nioBuffer(from, length), length);
    return KEPT_LINE_OFFSET + length;
  }

  static int putMember(MutableDirectBuffer buffer, long id, String name, boolean positioned) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    buffer.putByte(TYPE_OFFSET, MEMBER);
    buffer.putLong(MEMBER_ID_OFFSET, id, ORDER);
    buffer.putByte(MEMBER_POSITIONED_OFFSET, (byte) (positioned ? 1 : 0));
    buffer.putInt(MEMBER_NAME_LENGTH_OFFSET, bytes.length, ORDER);
    buffer.putBytes(MEMBER_NAME_OFFSET, bytes);
    return MEMBER_NAME_OFFSET + bytes.length;
  }

  static int putEnd(MutableDirectBuffer buffer) {
    buffer.putByte(TYPE_OFFSET, END);
    return BODY_OFFSET;
  }

  /** Reads the long at {@code field} (one of the offsets above) of the record at {@code offset}. */
  static long getLong(DirectBuffer buffer, int offset, int field) {
    return buffer.getLong(offset + field, ORDER);
  }

  static boolean memberPositioned(DirectBuffer buffer, int offset) {
    return buffer.getByte(offset + MEMBER_POSITIONED_OFFSET) != 0;
  }

  static String memberName(DirectBuffer buffer, int offset) {
    int length = buffer.getInt(offset + MEMBER_NAME_LENGTH_OFFSET, ORDER);
    byte[] name = new byte[length];
    buffer.getBytes(offset + MEMBER_NAME_OFFSET, name);
    return new String(name, StandardCharsets.UTF_8);
  }
}
