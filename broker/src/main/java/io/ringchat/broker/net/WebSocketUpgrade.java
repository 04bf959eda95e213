package io.ringchat.broker.net;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.ReadTimeoutHandler;

/**
 * Turns an HTTP connection that asked for {@code /ws} into a room member: answers the WebSocket
 * handshake, then replaces the HTTP handlers with {@link WebSocketLines} and a {@link
 * ConnectionHandler}, which from then on treats it exactly as a TCP connection (same limits, same
 * place in the {@code --max-clients} budget, same shutdown).
 *
 * <p>Frames up to {@link #maxFrameBytes} are read whole; those over {@code --max-line} get {@code
 * ERR too_long} and the connection stays, as on TCP. Beyond that bound the WebSocket is closed with
 * status 1009 (message too big): unlike a TCP line, a frame cannot be skipped without being read.
 * UTF-8 is checked by the line rules ({@code bad_text}), not by closing the WebSocket.
 *
 * <p>Called on the connection's event loop.
 */
public final class WebSocketUpgrade {
  /** The smallest bound on a whole frame, whatever {@code --max-line} says. */
  static final int MIN_FRAME_BYTES = 64 * 1024;

  private final Connections connections;
  private final int maxFrameBytes;
  private final WebSocketDecoderConfig decoderConfig;

  WebSocketUpgrade(Connections connections) {
    this.connections = connections;
    this.maxFrameBytes = maxFrameBytes(connections.limits().maxLineBytes());
    this.decoderConfig =
        WebSocketDecoderConfig.newBuilder()
            .maxFramePayloadLength(maxFrameBytes)
            .allowExtensions(false)
            .withUTF8Validator(false)
            .build();
  }

  /** The largest frame read whole: 64 KiB, or twice {@code --max-line} if that is more. */
  public static int maxFrameBytes(int maxLineBytes) {
    return (int) Math.min(Integer.MAX_VALUE / 2, Math.max(MIN_FRAME_BYTES, 2L * maxLineBytes));
  }

  /**
   * Answers the handshake in {@code request} (a GET with the upgrade headers, already checked for
   * its origin) and makes the connection a member. {@code router} is the HTTP handler that asked:
   * it is removed. The caller still owns {@code request}.
   */
  @SuppressWarnings("FutureReturnValueIgnored") // a failed handshake closes; nothing else to do
  public void upgrade(ChannelHandlerContext router, FullHttpRequest request, String location) {
    WebSocketServerHandshaker handshaker =
        new WebSocketServerHandshakerFactory(location, null, decoderConfig).newHandshaker(request);
    if (handshaker == null) {
      WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(router.channel())
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ChannelPipeline pipeline = router.pipeline();
    IoLoop loop = connections.ioLoop(router.channel().eventLoop());
    handshaker
        .handshake(router.channel(), request)
        .addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    // The connection's places in the budgets pass from the guard to the member's handler.
    HttpConnectionGuard guard = pipeline.remove(HttpConnectionGuard.class);
    if (pipeline.get(ReadTimeoutHandler.class) != null) {
      pipeline.remove(ReadTimeoutHandler.class);
    }
    ConnectionHandler handler = new ConnectionHandler(loop, true, guard.address);
    pipeline.addLast(new WebSocketLines(handler, maxFrameBytes), handler);
    pipeline.remove(router.handler());
  }
}
