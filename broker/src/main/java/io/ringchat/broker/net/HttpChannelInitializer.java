package io.ringchat.broker.net;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.ReferenceCountUtil;
import io.ringchat.protocol.Farewell;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Builds the pipeline of each connection to the HTTP port: TLS if configured, HTTP/1.1 with whole
 * (small) requests, an idle bound, and the router that serves the page, {@code /metrics}, {@code
 * /healthz} and the {@code /ws} upgrade. Every HTTP connection holds a place in the one {@code
 * --max-clients} budget and in its address's (a WebSocket keeps both as a member); over either a
 * request gets {@code 503}, saying which.
 *
 * <p>Called by the connection's event loop when it is registered.
 */
public final class HttpChannelInitializer extends ChannelInitializer<Channel> {
  /** Requests are GETs: a request line and headers, no body worth keeping. */
  private static final int MAX_REQUEST_BYTES = 16 * 1024;

  private final Connections connections;
  private final SslContext tls;
  private final Supplier<ChannelHandler> router;
  private final ServerFull serverFull =
      new ServerFull("server full: the broker is at --max-clients\n");
  private final ServerFull addressFull;

  /**
   * @param tls the server's TLS context, or null for plain HTTP
   * @param router a new router for each connection (it keeps per-connection state)
   */
  HttpChannelInitializer(Connections connections, SslContext tls, Supplier<ChannelHandler> router) {
    this.connections = connections;
    this.tls = tls;
    this.router = router;
    // The words of the chat port's refusal, so that either port says the same.
    this.addressFull =
        new ServerFull(
            "server full: "
                + Farewell.ADDRESS_FULL.text(
                    connections.limits().perAddress().maxClientsPerAddress())
                + "\n");
  }

  @Override
  protected void initChannel(Channel channel) {
    IoLoop loop = connections.ioLoop(channel.eventLoop());
    ChannelPipeline pipeline = channel.pipeline();
    if (tls != null) {
      pipeline.addLast(tls.newHandler(channel.alloc()));
    }
    pipeline.addLast(new HttpServerCodec(4096, 8192, 8192));
    AddressBudget address = loop.admit(channel, addressFull, serverFull);
    if (address == null) {
      return; // refused: the handler added answers the request with 503
    }
    // An HTTP connection that goes quiet is closed after --join-timeout, as a silent chat one is.
    long idleNanos = loop.limits().joinTimeoutNanos();
    pipeline.addLast(
        new HttpConnectionGuard(loop, address),
        new ReadTimeoutHandler(idleNanos, TimeUnit.NANOSECONDS),
        new HttpObjectAggregator(MAX_REQUEST_BYTES),
        router.get());
  }

  /** Answers 503 to an HTTP connection over a budget, saying which, and closes it. */
  @ChannelHandler.Sharable
  private static final class ServerFull extends ChannelInboundHandlerAdapter {
    private final String text;

    ServerFull(String text) {
      this.text = text;
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // a failed close still closes
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      boolean request = msg instanceof HttpRequest;
      ReferenceCountUtil.release(msg);
      if (!request) {
        return;
      }
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.SERVICE_UNAVAILABLE,
              Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // a failed close still closes
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
