package io.ringchat.broker.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.ringchat.broker.ring.EventSink;
import io.ringchat.broker.stats.BrokerCounters;

/**
 * Builds each accepted connection's pipeline: one {@link PeerHandler}. Called by the connection's
 * event loop when it is registered.
 */
public final class BrokerChannelInitializer extends ChannelInitializer<Channel> {
  private final EventLoop[] loops;
  private final PeerHandler.Shared[] shared;

  public BrokerChannelInitializer(
      EventLoop[] loops,
      EventSink ring,
      BrokerCounters counters,
      int maxClients,
      int maxLineBytes,
      long joinTimeoutNanos,
      int maxLinesPerSecond) {
    this.loops = loops.clone();
    ConnectionLimit limit = new ConnectionLimit(maxClients);
    this.shared = new PeerHandler.Shared[loops.length];
    for (int i = 0; i < loops.length; i++) {
      shared[i] =
          new PeerHandler.Shared(
              ring,
              counters,
              limit,
              new JoinDeadlines(joinTimeoutNanos),
              new LoopConnections(),
              i,
              maxLineBytes,
              maxLinesPerSecond);
    }
  }

  @Override
  protected void initChannel(Channel channel) {
    channel.pipeline().addLast("peer", new PeerHandler(shared[indexOf(channel.eventLoop())]));
  }

  /** The open connections of I/O event loop {@code index}; walk them on that loop only. */
  public LoopConnections connections(int index) {
    return shared[index].connections();
  }

  private int indexOf(EventLoop loop) {
    for (int i = 0; i < loops.length; i++) {
      if (loops[i] == loop) {
        return i;
      }
    }
    throw new IllegalStateException("channel registered on a foreign event loop: " + loop);
  }
}
