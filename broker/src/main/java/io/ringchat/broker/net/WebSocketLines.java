package io.ringchat.broker.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ByteProcessor;
import io.netty.util.ReferenceCountUtil;
import io.ringchat.protocol.ErrorCode;

/**
 * Turns a WebSocket into the line protocol, both ways, so that the {@link ConnectionHandler} behind
 * it and the room's write path are the same as for TCP. In: each text frame is one line (a final LF
 * is dropped; any other CR or LF makes it {@code bad_text}, since one frame must never become two
 * requests); a binary frame closes with 1003; pings are answered. Out: each buffer written to the
 * channel (one or more whole lines, as the room cuts them) becomes one text frame, and a close
 * sends a close frame first, so that a browser sees a clean close rather than a dropped socket.
 *
 * <p>Its connection's event loop only.
 */
// Writes and closes here report failure to the pipeline or end in channelInactive: their futures
// carry nothing to act on.
@SuppressWarnings("FutureReturnValueIgnored")
final class WebSocketLines extends ChannelDuplexHandler {
  private final ConnectionHandler lines;
  private final int maxFrameBytes;

  /** A close frame went out: nothing more is to be sent. */
  private boolean closeSent;

  /**
   * A text message sent in fragments, while its continuation frames arrive; null otherwise.
   * Gathering them here rather than in Netty's aggregator saves every WebSocket member a handler
   * and its pipeline context (browsers do not fragment small messages; other clients may).
   */
  private CompositeByteBuf fragments;

  WebSocketLines(ConnectionHandler lines, int maxFrameBytes) {
    this.lines = lines;
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof TextWebSocketFrame text) {
      if (text.isFinalFragment()) {
        line(text.content());
      } else {
        releaseFragments();
        fragments = ctx.alloc().compositeBuffer();
        gather(ctx, text);
      }
    } else if (msg instanceof ContinuationWebSocketFrame more) {
      if (fragments == null) {
        more.release(); // a continuation of a binary message, or of nothing: ignored
      } else {
        gather(ctx, more);
      }
    } else if (msg instanceof PingWebSocketFrame ping) {
      ctx.writeAndFlush(new PongWebSocketFrame(ping.content()), ctx.voidPromise());
    } else if (msg instanceof CloseWebSocketFrame close) {
      // Answer the peer's close with its own status, then close the socket.
      closeSent = true;
      ctx.writeAndFlush(close).addListener(ChannelFutureListener.CLOSE);
    } else if (msg instanceof BinaryWebSocketFrame) {
      ReferenceCountUtil.release(msg);
      closeWith(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "text frames only: one line each");
    } else {
      ReferenceCountUtil.release(msg); // a pong
    }
  }

  /** Adds a fragment; at the last one the whole message is one line. */
  private void gather(ChannelHandlerContext ctx, WebSocketFrame frame) {
    boolean last = frame.isFinalFragment();
    if (fragments.readableBytes() + frame.content().readableBytes() > maxFrameBytes) {
      frame.release();
      releaseFragments();
      closeWith(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG, "a line is at most one frame's worth");
      return;
    }
    fragments.addComponent(true, frame.content());
    if (last) {
      CompositeByteBuf whole = fragments;
      fragments = null;
      line(whole);
    }
  }

  private void releaseFragments() {
    if (fragments != null) {
      fragments.release();
      fragments = null;
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseFragments();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseFragments();
    ctx.fireChannelInactive();
  }

  /** One frame's content as one line: ownership passes to the connection's handler. */
  private void line(ByteBuf content) {
    int from = content.readerIndex();
    int end = content.writerIndex();
    if (end > from && content.getByte(end - 1) == '\n') {
      end--;
    }
    if (end == from) {
      content.release(); // an empty line gets no answer
      return;
    }
    if (content.forEachByte(from, end - from, ByteProcessor.FIND_CRLF) >= 0) {
      content.release();
      lines.refusedLine(ErrorCode.BAD_TEXT);
      return;
    }
    content.writerIndex(end);
    lines.wholeLine(content);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf lines) {
      if (closeSent) {
        lines.release();
        promise.trySuccess();
        return;
      }
      ctx.write(new TextWebSocketFrame(lines), promise);
      return;
    }
    if (msg instanceof CloseWebSocketFrame) {
      closeSent = true;
    }
    ctx.write(msg, promise);
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (!closeSent && ctx.channel().isActive()) {
      closeSent = true;
      ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
    }
    ctx.close(promise);
  }

  private void closeWith(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
    if (closeSent) {
      return;
    }
    closeSent = true;
    ctx.writeAndFlush(new CloseWebSocketFrame(status, reason))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
