package io.ringchat.client.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.util.ByteProcessor;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.util.ArrayDeque;

/**
 * Lets the load generator's line code speak to the broker's {@code /ws}: below it, Netty's HTTP
 * codec and WebSocket client handshake; here, each text frame the broker sends (whole lines) goes
 * up as bytes, and each buffer of lines written down is cut into one text frame per line, as the
 * protocol wants. Writes made before the handshake is done (the JOIN) wait for it.
 *
 * <p>Its connection's event loop only.
 */
// Writes pass their promise on (or use the void one, which reports to the pipeline).
@SuppressWarnings("FutureReturnValueIgnored")
final class WebSocketLoadFraming extends ChannelDuplexHandler {
  /** Broker frames are at most a few of its write batches; generous, as in the client. */
  private static final int MAX_FRAME = 1 << 20;

  private ArrayDeque<Object[]> held = new ArrayDeque<>();

  private WebSocketLoadFraming() {}

  /** Puts the WebSocket handshake and this framing at the front of {@code pipeline}. */
  static void addTo(ChannelPipeline pipeline, String host, int port) {
    URI uri = URI.create("ws://" + host + ":" + port + "/ws");
    pipeline.addLast(
        new HttpClientCodec(),
        new HttpObjectAggregator(8192),
        new WebSocketClientProtocolHandler(
            WebSocketClientHandshakerFactory.newHandshaker(
                uri, WebSocketVersion.V13, null, false, new DefaultHttpHeaders(), MAX_FRAME)),
        new WebSocketLoadFraming());
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
      ArrayDeque<Object[]> waiting = held;
      held = null;
      for (Object[] write : waiting) {
        write(ctx, write[0], (ChannelPromise) write[1]);
      }
      ctx.flush();
    }
    ctx.fireUserEventTriggered(event);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof TextWebSocketFrame text) {
      ctx.fireChannelRead(text.content());
    } else if (msg instanceof WebSocketFrame) {
      ReferenceCountUtil.release(msg); // pongs; closes end in channelInactive
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof ByteBuf lines)) {
      ctx.write(msg, promise);
      return;
    }
    if (held != null) {
      held.add(new Object[] {msg, promise});
      return;
    }
    if (!lines.isReadable()) {
      lines.release();
      promise.trySuccess();
      return;
    }
    // One frame per line, its LF kept (allowed, and it saves a copy).
    while (lines.isReadable()) {
      int lf = lines.forEachByte(ByteProcessor.FIND_LF);
      int end = lf < 0 ? lines.writerIndex() : lf + 1;
      ByteBuf line = lines.retainedSlice(lines.readerIndex(), end - lines.readerIndex());
      lines.readerIndex(end);
      ctx.write(new TextWebSocketFrame(line), lines.isReadable() ? ctx.voidPromise() : promise);
    }
    lines.release();
  }
}
