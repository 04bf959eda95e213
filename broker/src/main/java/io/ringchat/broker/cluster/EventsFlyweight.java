package io.ringchat.broker.cluster;

import static io.ringchat.broker.cluster.ClusterWire.ORDER;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * An {@link ClusterWire#EVENTS} message, broker to room: a header (seq, count, traced at), then
 * each event (kind, connection, detail length, detail). Written by {@link IngressSequencer}, read
 * by {@link RoomIngress}; walk the events with {@link #firstEvent} and {@link #nextEvent}.
 */
final class EventsFlyweight {
  static final int SEQ_OFFSET = MessageHeader.LENGTH;
  static final int COUNT_OFFSET = SEQ_OFFSET + Long.BYTES;

  /**
   * When the broker first offered the message (epoch ns), if it traces its round trip ({@link
   * RoundTripTracer}); 0 if not.
   */
  static final int TRACED_AT_OFFSET = COUNT_OFFSET + Integer.BYTES;

  static final int HEADER_LENGTH = TRACED_AT_OFFSET + Long.BYTES;

  /** Offsets within one event, from its start. */
  static final int KIND_OFFSET = 0;

  static final int CONNECTION_OFFSET = KIND_OFFSET + Byte.BYTES;
  static final int DETAIL_LENGTH_OFFSET = CONNECTION_OFFSET + Long.BYTES;
  static final int EVENT_HEADER_LENGTH = DETAIL_LENGTH_OFFSET + Integer.BYTES;

  /** The detail length of an event that has none (a WHO, a LEAVE). */
  static final int NO_DETAIL = -1;

  private DirectBuffer buffer;
  private int offset;

  // Writing.

  /** Writes the header at 0 of {@code buffer}, not traced: the message begins there. */
  static void putHeader(MutableDirectBuffer buffer, long seq, int count) {
    MessageHeader.put(buffer, 0, ClusterWire.EVENTS);
    buffer.putLong(SEQ_OFFSET, seq, ORDER);
    buffer.putInt(COUNT_OFFSET, count, ORDER);
    buffer.putLong(TRACED_AT_OFFSET, 0, ORDER);
  }

  /** Marks the message that begins at 0 of {@code buffer} as traced, offered at {@code epochNs}. */
  static void putTracedAt(MutableDirectBuffer buffer, long epochNs) {
    buffer.putLong(TRACED_AT_OFFSET, epochNs, ORDER);
  }

  /** Writes an event's header at {@code at}; returns where its detail goes. */
  static int putEvent(
      MutableDirectBuffer buffer, int at, byte kind, long connection, int detailLength) {
    buffer.putByte(at + KIND_OFFSET, kind);
    buffer.putLong(at + CONNECTION_OFFSET, connection, ORDER);
    buffer.putInt(at + DETAIL_LENGTH_OFFSET, detailLength, ORDER);
    return at + EVENT_HEADER_LENGTH;
  }

  /** The bytes of an event with {@code detailLength} bytes of detail ({@link #NO_DETAIL}: 0). */
  static int eventLength(int detailLength) {
    return EVENT_HEADER_LENGTH + Math.max(0, detailLength);
  }

  // Reading.

  EventsFlyweight wrap(DirectBuffer buffer, int offset) {
    this.buffer = buffer;
    this.offset = offset;
    return this;
  }

  long seq() {
    return buffer.getLong(offset + SEQ_OFFSET, ORDER);
  }

  int count() {
    return buffer.getInt(offset + COUNT_OFFSET, ORDER);
  }

  /** When the broker offered it (epoch ns) if traced, else 0. */
  long tracedAt() {
    return buffer.getLong(offset + TRACED_AT_OFFSET, ORDER);
  }

  /** Where the first event starts (an absolute offset in the buffer). */
  int firstEvent() {
    return offset + HEADER_LENGTH;
  }

  /** Where the event after the one at {@code at} starts. */
  int nextEvent(int at) {
    return at + eventLength(detailLength(at));
  }

  byte kind(int at) {
    return buffer.getByte(at + KIND_OFFSET);
  }

  long connection(int at) {
    return buffer.getLong(at + CONNECTION_OFFSET, ORDER);
  }

  /** The detail's length, or {@link #NO_DETAIL}. */
  int detailLength(int at) {
    return buffer.getInt(at + DETAIL_LENGTH_OFFSET, ORDER);
  }

  int detailOffset(int at) {
    return at + EVENT_HEADER_LENGTH;
  }
}
