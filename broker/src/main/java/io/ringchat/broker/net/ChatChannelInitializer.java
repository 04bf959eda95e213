package io.ringchat.broker.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.ringchat.protocol.Farewell;

/**
 * Admits or refuses each accepted connection of the chat port and builds its pipeline: TLS when the
 * broker has a certificate, then an {@link HttpSniffer} that looks at the first bytes and removes
 * itself, then the {@link ConnectionHandler} for the rest of the connection's life. Over {@code
 * --max-clients-per-address} (its address's connections on every listener) or {@code --max-clients}
 * (all connections) it gets {@code ERR server_full}, with a text that says which, and is closed;
 * the room never hears of it.
 *
 * <p>Called by the connection's event loop when it is registered.
 */
public final class ChatChannelInitializer extends ChannelInitializer<Channel> {
  private final Connections connections;

  /** The server's TLS context, or null for plain TCP. */
  private final SslContext tls;

  private final Refusal serverFull = new Refusal(Farewell.SERVER_FULL);
  private final Refusal addressFull;

  ChatChannelInitializer(Connections connections, SslContext tls) {
    this.connections = connections;
    this.tls = tls;
    this.addressFull =
        new Refusal(
            Farewell.ADDRESS_FULL, connections.limits().perAddress().maxClientsPerAddress());
  }

  @Override
  protected void initChannel(Channel channel) {
    IoLoop loop = connections.ioLoop(channel.eventLoop());
    if (tls != null) {
      // Everything below sees plain lines; a peer that does not speak TLS fails the handshake
      // at its first bytes and is closed (ConnectionHandler.exceptionCaught).
      channel.pipeline().addLast(tls.newHandler(channel.alloc()));
    }
    AddressBudget address = loop.admit(channel, addressFull, serverFull);
    if (address == null) {
      channel.config().setAutoRead(false); // refused: its refusal says so and closes
      return;
    }
    // From here the connection holds its places; its handler gives them back when it closes.
    channel
        .pipeline()
        .addLast(new HttpSniffer(loop.counters()), new ConnectionHandler(loop, false, address));
  }

  /** Says one farewell and closes; shared by every connection refused for the same reason. */
  @ChannelHandler.Sharable
  private static final class Refusal extends ChannelInboundHandlerAdapter {
    private final Farewell farewell;
    private final Object[] detail;

    Refusal(Farewell farewell, Object... detail) {
      this.farewell = farewell;
      this.detail = detail;
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // a failed close still closes
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(farewell.encode(ctx.alloc(), detail))
          .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // a failed close still closes
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a reset before the refusal was flushed: nothing more to say
    }
  }
}
