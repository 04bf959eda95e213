package io.ringchat.broker.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.ringchat.broker.ring.InboundRing;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.LineFrameDecoder;

/**
 * Builds each accepted connection's pipeline: the line decoder, then the {@link PeerHandler}.
 * Called by the connection's event loop when it is registered.
 */
public final class BrokerChannelInitializer extends ChannelInitializer<Channel> {
  private final EventLoop[] loops;
  private final InboundRing ring;
  private final BrokerCounters counters;
  private final ConnectionLimit limit;
  private final ChannelGroup allChannels;
  private final int maxLineBytes;
  private final long joinTimeoutNanos;

  public BrokerChannelInitializer(
      EventLoop[] loops,
      InboundRing ring,
      BrokerCounters counters,
      ChannelGroup allChannels,
      int maxClients,
      int maxLineBytes,
      long joinTimeoutNanos) {
    this.loops = loops.clone();
    this.ring = ring;
    this.counters = counters;
    this.limit = new ConnectionLimit(maxClients);
    this.allChannels = allChannels;
    this.maxLineBytes = maxLineBytes;
    this.joinTimeoutNanos = joinTimeoutNanos;
  }

  @Override
  protected void initChannel(Channel channel) {
    allChannels.add(channel);
    channel
        .pipeline()
        .addLast("lines", new LineFrameDecoder(maxLineBytes))
        .addLast(
            "peer",
            new PeerHandler(ring, counters, limit, joinTimeoutNanos, indexOf(channel.eventLoop())));
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
