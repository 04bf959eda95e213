package io.ringchat.broker.ring;

/** What a {@link RingEvent} asks the room to do. */
public enum EventKind {
  /**
   * A valid {@code JOIN}; the detail is the parsed {@link io.ringchat.protocol.Name}, or a {@link
   * PositionedJoin} for one with {@code HISTORY} or {@code SINCE}.
   */
  JOIN,
  /** A valid {@code SEND}; the detail is the text, a retained {@link io.netty.buffer.ByteBuf}. */
  SEND,
  /** {@code WHO}; no detail. */
  WHO,
  /** {@code PING}; the detail is the token as a retained buffer, or null. */
  PING,
  /** {@code LEAVE}; no detail. */
  LEAVE,
  /** A line the I/O thread refused; the detail is the {@link io.ringchat.protocol.ErrorCode}. */
  REJECT,
  /** The connection is gone (FIN, RST, I/O error, close); no detail. */
  DISCONNECTED,
  /** The I/O thread removed a slow consumer; no detail. */
  EVICTED,
  /** The broker is stopping: the room finishes its batch and reports that it is done. */
  SHUTDOWN,
  /** An I/O loop took its last batch and can take the output the room held back; no detail. */
  WAKE
}
