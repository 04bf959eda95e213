package io.ringchat.client;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import io.ringchat.protocol.ClientFrames;
import io.ringchat.protocol.Command;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.LineFrameDecoder;
import io.ringchat.protocol.LineTooLong;
import io.ringchat.protocol.ServerFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One TCP (or TLS) connection to the broker, on one Netty event loop of its own. Incoming lines are
 * parsed and handed to the {@link Listener} on that event loop; sending may be done from any
 * thread.
 */
final class ChatConnection implements AutoCloseable {
  /** Clients accept server lines of up to 64 KiB (PROTOCOL.md). */
  static final int MAX_SERVER_LINE = 64 * 1024;

  /** Called on the connection's event loop. */
  interface Listener {
    void onFrame(ServerFrame frame);

    /**
     * The broker stopped answering: nothing arrived for the keepalive time, a PING went out, and
     * nothing arrived for as long again. The connection is closed right after.
     */
    void onSilent(String reason);

    /** The connection is closed, by either side. */
    void onClosed();
  }

  private final MultiThreadIoEventLoopGroup group;
  private final Channel channel;

  private ChatConnection(MultiThreadIoEventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /**
   * Connects, waiting at most {@code timeoutMillis}.
   *
   * @throws IOException with a one-line, human message (e.g. "connection refused")
   */
  static ChatConnection connect(
      String host,
      int port,
      int timeoutMillis,
      Duration keepAlive,
      SslContext tls,
      Listener listener)
      throws IOException, InterruptedException {
    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("ringchat-client", true), NioIoHandler.newFactory());
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    if (tls != null) {
                      SslHandler ssl = tls.newHandler(ch.alloc(), host, port);
                      ssl.setHandshakeTimeoutMillis(timeoutMillis);
                      ch.pipeline().addLast(ssl);
                    }
                    if (!keepAlive.isZero()) {
                      ch.pipeline()
                          .addLast(new IdleStateHandler(keepAlive.toMillis(), 0, 0, MILLISECONDS))
                          .addLast(new SilenceProbe(host + ":" + port, keepAlive, listener));
                    }
                    ch.pipeline()
                        .addLast(new LineFrameDecoder(MAX_SERVER_LINE))
                        .addLast(new FrameHandler(listener));
                  }
                });
    ChannelFuture connected = bootstrap.connect(host, port).await();
    if (!connected.isSuccess()) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(1_000);
      throw new IOException(ConnectFailure.describe(connected.cause()), connected.cause());
    }
    Channel channel = connected.channel();
    SslHandler ssl = channel.pipeline().get(SslHandler.class);
    if (ssl != null) {
      // Nothing is sent before the broker proved who it is: a failed handshake is one line.
      Future<Channel> handshake = ssl.handshakeFuture().await();
      if (!handshake.isSuccess()) {
        channel.close().awaitUninterruptibly(1_000);
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(1_000);
        throw new TlsHandshakeFailed(
            ClientTls.describe(handshake.cause(), host + ":" + port), handshake.cause());
      }
    }
    return new ChatConnection(group, channel);
  }

  // The void promise reports a failed write to exceptionCaught, which closes the connection.
  @SuppressWarnings("FutureReturnValueIgnored")
  void send(Command command, String argument) {
    ByteBuf frame =
        argument == null
            ? ClientFrames.encode(channel.alloc(), command)
            : ClientFrames.encode(channel.alloc(), command, argument);
    channel.writeAndFlush(frame, channel.voidPromise());
  }

  boolean isOpen() {
    return channel.isActive();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(1_000);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2_000);
  }

  /** The TCP connection was made but TLS failed: the message is the whole story, in one line. */
  static final class TlsHandshakeFailed extends IOException {
    private static final long serialVersionUID = 1L;

    TlsHandshakeFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Keepalive from the client's side, for a broker whose host vanished (no FIN, no RST): after the
   * keepalive time without a byte from the broker, sends {@code PING}; after as long again, says
   * the connection is dead and closes it. Any byte that arrives starts the clock again.
   */
  private static final class SilenceProbe extends ChannelInboundHandlerAdapter {
    private final String peer;
    private final Duration keepAlive;
    private final Listener listener;

    SilenceProbe(String peer, Duration keepAlive, Listener listener) {
      this.peer = peer;
      this.keepAlive = keepAlive;
      this.listener = listener;
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // a failed PING or close ends in channelInactive
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      if (!(event instanceof IdleStateEvent idle)) {
        ctx.fireUserEventTriggered(event);
        return;
      }
      if (idle.isFirst()) {
        ctx.writeAndFlush(ClientFrames.encode(ctx.alloc(), Command.PING), ctx.voidPromise());
        return;
      }
      long seconds = keepAlive.multipliedBy(2).toSeconds();
      listener.onSilent("no answer from " + peer + " for " + seconds + " s");
      ctx.close();
    }
  }

  /** Parses each line and passes it on. */
  private static final class FrameHandler extends SimpleChannelInboundHandler<Object> {
    private final Listener listener;

    FrameHandler(Listener listener) {
      this.listener = listener;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (msg == LineTooLong.INSTANCE) {
        listener.onFrame(
            new ServerFrame(
                ServerFrame.Type.ERR,
                null,
                "the broker sent a line over 64 KiB",
                0,
                ErrorCode.TOO_LONG.wireName()));
        return;
      }
      listener.onFrame(ServerFrame.parse(((ByteBuf) msg).toString(StandardCharsets.UTF_8)));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      listener.onClosed();
    }

    @SuppressWarnings("FutureReturnValueIgnored") // channelInactive reports the close
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a reset or a failed write
    }
  }
}
