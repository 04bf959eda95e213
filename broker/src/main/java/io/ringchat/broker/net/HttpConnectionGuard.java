package io.ringchat.broker.net;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Holds an HTTP connection's place in the {@code --max-clients} budget, and in its address's
 * ({@code --max-clients-per-address}), until it closes, or until it becomes a WebSocket member,
 * whose {@link ConnectionHandler} then holds the place: the upgrade removes this guard, so the
 * place is given back exactly once.
 *
 * <p>Its connection's event loop only.
 */
final class HttpConnectionGuard extends ChannelInboundHandlerAdapter {
  private final IoLoop loop;

  /** The connection's place in its address's budget, held with the one in --max-clients. */
  final AddressBudget address;

  HttpConnectionGuard(IoLoop loop, AddressBudget address) {
    this.loop = loop;
    this.address = address;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    loop.release(address, ctx.executor());
    ctx.fireChannelInactive();
  }
}
