package io.ringchat.broker.net;

import io.netty.buffer.ByteBuf;
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

  /** A replay being written, whatever the room writes meanwhile waiting behind it; or null. */
  private ReplayFeed replay;

  /** What to do when output queued behind a replay goes over {@code --max-pending}. */
  private Runnable replayOverflow = () -> {};

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

  /** The replay being written, or null. */
  ReplayFeed replay() {
    return replay;
  }

  /** Starts writing {@code replay} (owned from here on) in parts; later writes wait behind it. */
  void startReplay(ByteBuf replayBytes) {
    assert replay == null : "one replay per connection";
    replay =
        new ReplayFeed(
            this, replayBytes, channel.config().getWriteBufferHighWaterMark(), replayOverflow);
    replay.start();
  }

  /** The replay is written (or abandoned): writes go straight to the channel again. */
  void replayDone() {
    replay = null;
  }

  /** Set by the connection's handler: how to remove the connection as a slow consumer. */
  void onReplayOverflow(Runnable action) {
    this.replayOverflow = action;
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
