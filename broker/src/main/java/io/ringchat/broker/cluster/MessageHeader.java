package io.ringchat.broker.cluster;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/** The two bytes that begin every cluster message: its type and the layout's version. */
final class MessageHeader {
  private MessageHeader() {}

  static final int TYPE_OFFSET = 0;
  static final int VERSION_OFFSET = 1;

  /** Where a message's own fields begin. */
  static final int LENGTH = 2;

  static void put(MutableDirectBuffer buffer, int offset, byte type) {
    buffer.putByte(offset + TYPE_OFFSET, type);
    buffer.putByte(offset + VERSION_OFFSET, ClusterWire.VERSION);
  }

  static byte type(DirectBuffer buffer, int offset) {
    return buffer.getByte(offset + TYPE_OFFSET);
  }

  static byte version(DirectBuffer buffer, int offset) {
    return buffer.getByte(offset + VERSION_OFFSET);
  }

  /** Whether the message at {@code offset} is of {@code type} in this layout's version. */
  static boolean is(DirectBuffer buffer, int offset, int length, byte type) {
    return length >= LENGTH && type(buffer, offset) == type && isCurrent(buffer, offset);
  }

  static boolean isCurrent(DirectBuffer buffer, int offset) {
    return version(buffer, offset) == ClusterWire.VERSION;
  }
}
