package io.ringchat.broker.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Holds an HTTP connection's place in the {@code --max-clients} budget until it closes, or until it
 * becomes a WebSocket member, whose {@link ConnectionHandler} then holds the place: the upgrade
 * removes this guard, so the place is given back exactly once.
 *
 * <p>Its connection's event loop only.
 */
final class HttpConnectionGuard extends ChannelInboundHandlerAdapter {
  private final IoLoop loop;

  HttpConnectionGuard(IoLoop loop) {
    this.loop = loop;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    loop.admission().release();
    ctx.fireChannelInactive();
  }
}
