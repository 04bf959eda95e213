package io.ringchat.broker.cluster;

import java.nio.ByteOrder;

/**
 * The binary messages between a broker and the clustered room: their types, the kinds of event and
 * output they carry, and the version every message states. The layouts are written once, in the
 * flyweights that read and write them ({@link MessageHeader}, {@link EventsFlyweight}, {@link
 * OutputFlyweight}, {@link ControlFlyweights}); nothing else in the package knows an offset.
 *
 * <pre>
 * every message: byte type, byte version (VERSION), then by type:
 *
 * EVENTS, broker to room: one message per ring batch of the broker
 *   long  seq          1, 2, 3... per broker session: the room applies each once
 *   int   count
 *   long  tracedAt     0, or when the broker offered it (epoch ns): the room answers with a TRACE
 *   count x { byte kind, long connection, int length (-1: none), length bytes }
 *
 * RESYNC, broker to room, after a leader change or a gap: send again what I may have missed
 *   long  last         the last egress number this broker received
 *
 * SNAPSHOT_TAKEN, broker to room, from a broker that is also a cluster member: my member took a
 * snapshot here (once every member has, the log before can go: SnapshotAgreement)
 *   int   member
 *   long  position     the log position of the snapshot
 *
 * FILL, broker to room, to fill its copy of the history (a new session): send me a part
 *   long  from         the first seq wanted (the room starts at its oldest kept if that is later)
 *
 * SKIP, room to broker, answering a resync it cannot fully serve
 *   long  next         the oldest egress number still kept: what came before it is gone
 *
 * OUTPUT, room to broker: what the broker writes to its own connections
 *   long  number       1, 2, 3... per broker: the broker applies each once, in order
 *   long  ack          the last ingress seq of this broker the room has applied
 *   int   bytes        the lines below point into these
 *   bytes x byte
 *   int   count
 *   count x { long connection, byte op, int offset, int length }
 *   (ops KEEP, KEEP_MSG, FILL_LINE: connection is the kept message's seq; KEEP_TIME, FILL_END:
 *   connection is a time or the room's newest seq, no bytes; REPLAY: the bytes are a ReplayRange;
 *   TRACE: the bytes are a RoundTripTrace)
 * </pre>
 *
 * Little-endian throughout (Agrona's buffers). Connection ids in both directions are the broker's
 * own (its I/O side's ids); the room maps them to room-wide ids of its own, so two brokers' ids
 * never meet. A message of another version is not applied: the log is persisted, and a member or
 * broker of another ringchat must not read it as its own ({@link ClusterDirectory} refuses a
 * directory of another format before it gets that far).
 */
final class ClusterWire {
  private ClusterWire() {}

  /** The layout version every message carries; a change of any layout changes it. */
  static final byte VERSION = 4;

  static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

  // Message types.
  static final byte EVENTS = 1;
  static final byte OUTPUT = 2;
  static final byte RESYNC = 3;
  static final byte SKIP = 4;
  static final byte SNAPSHOT_TAKEN = 5;
  static final byte FILL = 6;

  // Event kinds (ingress).
  static final byte JOIN = 1;
  static final byte SEND = 2;
  static final byte WHO = 3;
  static final byte PING = 4;
  static final byte LEAVE = 5;
  static final byte REJECT = 6;
  static final byte DISCONNECTED = 7;
  static final byte EVICTED = 8;

  /** A JOIN with HISTORY or SINCE: its detail is a {@link JoinDetail}. */
  static final byte JOIN_POSITIONED = 9;

  // Output operations (egress).
  static final byte WRITE = 0;
  static final byte WRITE_AND_CLOSE = 1;
  static final byte JOINED = 2;

  /**
   * The room kept a message, for the broker's copy of the history ({@code ReplayCopy}): the entry's
   * connection field is the message's seq, its bytes the message's {@code POST} line. Every broker
   * gets every kept message, members or not.
   */
  static final byte KEEP = 3;

  /**
   * Serve the connection's replay from the broker's copy: the entry's bytes are a {@link
   * ReplayRange}.
   */
  static final byte REPLAY = 4;

  /**
   * A part of the history, answering a {@link #FILL}: as {@link #KEEP} (connection: the seq), but
   * an older message, for the broker's copy to be filled with.
   */
  static final byte FILL_LINE = 5;

  /**
   * The end of a part: the entry's connection field is the room's newest seq where the part was
   * made (the broker asks for the next part until its copy reaches it, or its live messages).
   */
  static final byte FILL_END = 6;

  /**
   * As {@link #KEEP}, but the entry's bytes are the message's {@code MSG} line (sent to the
   * broker's plain members anyway): the broker makes the POST line from it and the last {@link
   * #KEEP_TIME}.
   */
  static final byte KEEP_MSG = 7;

  /** The time (ms, in the connection field) of the {@link #KEEP_MSG} entries that follow. */
  static final byte KEEP_TIME = 8;

  /**
   * The times of a traced {@link #EVENTS} message's round trip so far, for the broker that sent it:
   * the entry's bytes are a {@link RoundTripTrace}.
   */
  static final byte TRACE = 9;
}
