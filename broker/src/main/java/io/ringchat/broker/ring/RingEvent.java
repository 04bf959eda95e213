package io.ringchat.broker.ring;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.JoinPosition;
import io.ringchat.protocol.Name;

/**
 * One slot of the ring: a request from an I/O thread to the room. Pre-allocated by the Disruptor
 * and reused; filled by the publishing I/O thread, read and then {@link #clear() cleared} by the
 * room thread. The Disruptor's sequence barrier orders the two, so the fields need no volatile.
 */
public final class RingEvent {
  private EventKind kind;
  private long connection;
  private Object detail;

  /** Fills the slot: the publishing I/O thread (through {@link InboundRing}), or a test. */
  public void set(EventKind kind, long connection, Object detail) {
    this.kind = kind;
    this.connection = connection;
    this.detail = detail;
  }

  public EventKind kind() {
    return kind;
  }

  /** The connection the event is about, or 0 for the broker's own events (WAKE, SHUTDOWN). */
  public long connection() {
    return connection;
  }

  /** The text of a SEND or the token of a PING (null if none); owned by this event. */
  public ByteBuf payload() {
    return (ByteBuf) detail;
  }

  /** The name of a JOIN. */
  public Name name() {
    return detail instanceof PositionedJoin join ? join.name() : (Name) detail;
  }

  /** What a positioned JOIN asks for, or null for a plain one. */
  public JoinPosition position() {
    return detail instanceof PositionedJoin join ? join.position() : null;
  }

  /** The error of a REJECT. */
  public ErrorCode error() {
    return (ErrorCode) detail;
  }

  /**
   * Room thread: releases what the event owns and forgets its references, so the slot pins nothing.
   * The buffer was allocated on an I/O thread; releasing it here is safe because the ring's
   * publication made it visible, and Netty's pooled allocator takes buffers back from any thread.
   */
  public void clear() {
    ReferenceCountUtil.release(detail);
    kind = null;
    connection = 0;
    detail = null;
  }

  @Override
  public String toString() {
    String what = detail instanceof ByteBuf buf ? buf.readableBytes() + " bytes" : detail + "";
    return "RingEvent{" + kind + ", connection " + connection + ", " + what + "}";
  }
}
