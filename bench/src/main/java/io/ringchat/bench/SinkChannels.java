package io.ringchat.bench;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Channels that swallow what is written to them, counting the bytes: the fan-out benchmarks measure
 * the broker's own work, not a socket's. Each is an {@link EmbeddedChannel}, whose event loop runs
 * tasks on the calling thread when asked.
 */
final class SinkChannels {
  private SinkChannels() {}

  static EmbeddedChannel[] create(int count, long[] bytesWritten) {
    EmbeddedChannel[] channels = new EmbeddedChannel[count];
    for (int i = 0; i < count; i++) {
      channels[i] = new EmbeddedChannel(new Sink(bytesWritten));
    }
    return channels;
  }

  /** Releases every written buffer and completes its promise, as a socket write would. */
  private static final class Sink extends ChannelOutboundHandlerAdapter {
    private final long[] bytesWritten;

    Sink(long[] bytesWritten) {
      this.bytesWritten = bytesWritten;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof io.netty.buffer.ByteBuf buf) {
        bytesWritten[0] += buf.readableBytes();
      }
      ReferenceCountUtil.release(msg);
      promise.trySuccess();
    }
  }
}
