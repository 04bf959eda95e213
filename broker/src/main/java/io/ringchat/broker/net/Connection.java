package io.ringchat.broker.net;

import io.netty.channel.Channel;

/**
 * One connection as the I/O side sees it: the channel, the id the room knows it by, and the flags
 * its event loop keeps while writing to it. The room's view of the same connection is a member
 * keyed by {@link #id()}; the two share nothing else.
 *
 * <p>Its event loop only: every field is read and written there, so none needs to be volatile.
 */
public final class Connection {
  private final Channel channel;
  private final long id;

  /** Nothing more is to be written (closed, closing, or removed as a slow consumer). */
  private boolean outputClosed;

  /** Written to since the loop last flushed it. */
  private boolean unflushed;

  /** The room accepted its JOIN: the join timeout no longer applies. */
  private boolean joined;

  Connection(Channel channel, long id) {
    this.channel = channel;
    this.id = id;
  }

  public Channel channel() {
    return channel;
  }

  /** The id the room knows this connection by ({@link ConnectionId}). */
  public long id() {
    return id;
  }

  boolean isOutputClosed() {
    return outputClosed;
  }

  void closeOutput() {
    outputClosed = true;
  }

  boolean isJoined() {
    return joined;
  }

  void markJoined() {
    joined = true;
  }

  /** Marks the channel as written but not flushed; says whether it was not already. */
  boolean markUnflushed() {
    if (unflushed) {
      return false;
    }
    unflushed = true;
    return true;
  }

  /** The channel is about to be flushed. */
  void clearUnflushed() {
    unflushed = false;
  }

  @Override
  public String toString() {
    return "Connection{" + id + " " + channel.id().asShortText() + "}";
  }
}
