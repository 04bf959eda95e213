package io.ringchat.broker.cluster;

/**
 * The binary messages between a broker and the clustered room, little-endian (Agrona's buffers).
 *
 * <pre>
 * ingress, broker to room: one message per ring batch of the broker
 *   byte  EVENTS
 *   long  seq          1, 2, 3... per broker session: the room applies each once
 *   int   count
 *   count x { byte kind, long connection, int length (-1: none), length bytes }
 *
 * resync, broker to room, after a leader change: send again what I may have missed
 *   byte  RESYNC
 *   long  last         the last egress number this broker received
 *
 * snapshot taken, broker to room, from a broker that is also a cluster member: my member took a
 * snapshot here (once every member has, the log before can go: SnapshotAgreement)
 *   byte  SNAPSHOT_TAKEN
 *   int   member
 *   long  position     the log position of the snapshot
 *
 * skip, room to broker, answering a resync it cannot fully serve
 *   byte  SKIP
 *   long  next         the oldest egress number still kept: what came before it is gone
 *
 * egress, room to broker: what the broker writes to its own connections
 *   byte  OUTPUT
 *   long  number       1, 2, 3... per broker: the broker applies each once, in order
 *   long  ack          the last ingress seq of this broker the room has applied
 *   int   bytes        the lines below point into these
 *   bytes x byte
 *   int   count
 *   count x { long connection, byte op, int offset, int length }
 * </pre>
 *
 * Connection ids in both directions are the broker's own (its I/O side's ids); the room maps them
 * to room-wide ids of its own, so two brokers' ids never meet.
 */
final class ClusterWire {
  private ClusterWire() {}

  static final byte EVENTS = 1;
  static final byte OUTPUT = 2;
  static final byte RESYNC = 3;
  static final byte SKIP = 4;
  static final byte SNAPSHOT_TAKEN = 5;

  static final int SNAPSHOT_TAKEN_LENGTH = 1 + 4 + 8;

  /** The length of a RESYNC and of a SKIP: a type and one number. */
  static final int RESYNC_LENGTH = 1 + 8;

  static final int SKIP_LENGTH = 1 + 8;

  /** Where an egress message's byte count starts. */
  static final int OUTPUT_HEADER = 1 + 8 + 8 + 4;

  // Event kinds (ingress).
  static final byte JOIN = 1;
  static final byte SEND = 2;
  static final byte WHO = 3;
  static final byte PING = 4;
  static final byte LEAVE = 5;
  static final byte REJECT = 6;
  static final byte DISCONNECTED = 7;
  static final byte EVICTED = 8;

  // Output operations (egress).
  static final byte WRITE = 0;
  static final byte WRITE_AND_CLOSE = 1;
  static final byte JOINED = 2;

  /** Header sizes. */
  static final int EVENTS_HEADER = 1 + 8 + 4;

  static final int EVENT_HEADER = 1 + 8 + 4;
  static final int OUTPUT_ENTRY = 8 + 1 + 4 + 4;

  /** An egress message is cut before it passes this many bytes (Aeron's limit is far above). */
  static final int MAX_OUTPUT_BYTES = 256 * 1024;
}
