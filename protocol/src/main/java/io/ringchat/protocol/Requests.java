package io.ringchat.protocol;

import io.netty.buffer.ByteBuf;

/**
 * What a client line asks for, in typed form: the receiving end of {@link LineClassifier}. The
 * broker's I/O threads implement it by publishing into the ring; tests implement it by recording.
 */
public interface Requests {
  /**
   * {@code JOIN} with a valid name; {@code position} is what a positioned join asks for ({@code
   * HISTORY} or {@code SINCE}, protocol version 1.1), or null for a plain one.
   */
  void join(Name name, JoinPosition position);

  /** {@code SEND} with valid text; the buffer (the text's bytes) is owned by the callee. */
  void send(ByteBuf text);

  /** {@code PING} with its token, owned by the callee, or null when there is none. */
  void ping(ByteBuf token);

  /** {@code WHO}. */
  void who();

  /** {@code LEAVE}. */
  void leave();

  /** A line the protocol refuses: {@code code} says why. */
  void refuse(ErrorCode code);
}
