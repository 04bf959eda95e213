package io.ringchat.broker.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.Farewell;

/**
 * Admits or refuses each accepted connection of the chat port and builds its pipeline: TLS when the
 * broker has a certificate, then an {@link HttpSniffer} that looks at the first bytes and removes
 * itself, then the {@link ConnectionHandler} for the rest of the connection's life. Over {@code
 * --max-clients} (counted across all listeners) the connection gets {@code ERR server_full} and is
 * closed; the room never hears of it.
 *
 * <p>Called by the connection's event loop when it is registered.
 */
public final class ChatChannelInitializer extends ChannelInitializer<Channel> {
  private final Connections connections;

  /** The server's TLS context, or null for plain TCP. */
  private final SslContext tls;

  ChatChannelInitializer(Connections connections, SslContext tls) {
    this.connections = connections;
    this.tls = tls;
  }

  @Override
  protected void initChannel(Channel channel) {
    IoLoop loop = connections.ioLoop(channel.eventLoop());
    if (tls != null) {
      // Everything below sees plain lines; a peer that does not speak TLS fails the handshake
      // at its first bytes and is closed (ConnectionHandler.exceptionCaught).
      channel.pipeline().addLast(tls.newHandler(channel.alloc()));
    }
    if (!loop.admission().tryAcquire()) {
      channel.config().setAutoRead(false);
      loop.counters().error(ErrorCode.SERVER_FULL);
      channel.pipeline().addLast(ServerFull.INSTANCE);
      return;
    }
    // From here the connection holds a place; its handler gives it back when the channel closes.
    channel
        .pipeline()
        .addLast(new HttpSniffer(loop.counters()), new ConnectionHandler(loop, false));
  }

  /** Says {@code server_full} and closes; shared by every refused connection. */
  @ChannelHandler.Sharable
  private static final class ServerFull extends ChannelInboundHandlerAdapter {
    static final ServerFull INSTANCE = new ServerFull();

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // a failed close still closes
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.writeAndFlush(Farewell.SERVER_FULL.encode(ctx.alloc()))
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
