package io.ringchat.broker.cluster;

import static io.ringchat.broker.cluster.ClusterWire.ORDER;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * An {@link ClusterWire#OUTPUT} message, room to broker: a header (number, ack, byte count), the
 * bytes the lines point into, then the entries (connection, op, offset into the bytes, length).
 * Written by {@link OutputEncoder}, read by {@link EgressReader}.
 */
final class OutputFlyweight {
  static final int NUMBER_OFFSET = MessageHeader.LENGTH;
  static final int ACK_OFFSET = NUMBER_OFFSET + Long.BYTES;
  static final int BYTES_LENGTH_OFFSET = ACK_OFFSET + Long.BYTES;
  static final int BYTES_OFFSET = BYTES_LENGTH_OFFSET + Integer.BYTES;
  static final int COUNT_LENGTH = Integer.BYTES;

  /** Offsets within one entry, from its start. */
  static final int CONNECTION_OFFSET = 0;

  static final int OP_OFFSET = CONNECTION_OFFSET + Long.BYTES;
  static final int FROM_OFFSET = OP_OFFSET + Byte.BYTES;
  static final int LENGTH_OFFSET = FROM_OFFSET + Integer.BYTES;
  static final int ENTRY_LENGTH = LENGTH_OFFSET + Integer.BYTES;

  private DirectBuffer buffer;
  private int offset;

  // Writing, from 0 of the buffer.

  static void putHeader(MutableDirectBuffer buffer, long number, long ack, int bytesLength) {
    MessageHeader.put(buffer, 0, ClusterWire.OUTPUT);
    buffer.putLong(NUMBER_OFFSET, number, ORDER);
    buffer.putLong(ACK_OFFSET, ack, ORDER);
    buffer.putInt(BYTES_LENGTH_OFFSET, bytesLength, ORDER);
  }

  /** Writes the entry count after {@code bytesLength} bytes; returns where the first entry goes. */
  static int putCount(MutableDirectBuffer buffer, int bytesLength, int count) {
    int at = BYTES_OFFSET + bytesLength;
    buffer.putInt(at, count, ORDER);
    return at + COUNT_LENGTH;
  }

  /** Writes an entry at {@code at}; returns where the next one goes. */
  static int putEntry(
      MutableDirectBuffer buffer, int at, long connection, byte op, int from, int length) {
    buffer.putLong(at + CONNECTION_OFFSET, connection, ORDER);
    buffer.putByte(at + OP_OFFSET, op);
    buffer.putInt(at + FROM_OFFSET, from, ORDER);
    buffer.putInt(at + LENGTH_OFFSET, length, ORDER);
    return at + ENTRY_LENGTH;
  }

  /** The size of a message with {@code bytesLength} bytes and {@code count} entries. */
  static int length(int bytesLength, int count) {
    return BYTES_OFFSET + bytesLength + COUNT_LENGTH + count * ENTRY_LENGTH;
  }

  // Reading.

  OutputFlyweight wrap(DirectBuffer buffer, int offset) {
    this.buffer = buffer;
    this.offset = offset;
    return this;
  }

  DirectBuffer buffer() {
    return buffer;
  }

  long number() {
    return buffer.getLong(offset + NUMBER_OFFSET, ORDER);
  }

  long ack() {
    return buffer.getLong(offset + ACK_OFFSET, ORDER);
  }

  int bytesLength() {
    return buffer.getInt(offset + BYTES_LENGTH_OFFSET, ORDER);
  }

  /** Where the bytes start (an absolute offset in the buffer). */
  int bytesOffset() {
    return offset + BYTES_OFFSET;
  }

  int count() {
    return buffer.getInt(bytesOffset() + bytesLength(), ORDER);
  }

  /** Where the first entry starts (an absolute offset in the buffer). */
  int firstEntry() {
    return bytesOffset() + bytesLength() + COUNT_LENGTH;
  }

  static int nextEntry(int at) {
    return at + ENTRY_LENGTH;
  }

  long connection(int at) {
    return buffer.getLong(at + CONNECTION_OFFSET, ORDER);
  }

  byte op(int at) {
    return buffer.getByte(at + OP_OFFSET);
  }

  /** Where the entry's line starts within the bytes. */
  int from(int at) {
    return buffer.getInt(at + FROM_OFFSET, ORDER);
  }

  int length(int at) {
    return buffer.getInt(at + LENGTH_OFFSET, ORDER);
  }
}
