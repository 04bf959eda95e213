package io.ringchat.broker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.Farewell;
import java.nio.charset.StandardCharsets;

/**
 * Looks at the first bytes of a connection: if they start an HTTP request (a browser or a health
 * checker pointed at the chat port), the connection gets a one-line answer and is closed instead of
 * a page that never loads; a TLS handshake (a client that expects TLS here) is closed at once
 * rather than left waiting; otherwise the sniffer removes itself and passes the bytes on, so a chat
 * connection carries it for one read only.
 *
 * <p>Its connection's event loop only.
 */
final class HttpSniffer extends ChannelInboundHandlerAdapter {
  /** Request methods with their space; case-sensitive, as HTTP's are. */
  private static final byte[][] METHODS = {
    ascii("GET "), ascii("POST "), ascii("HEAD "), ascii("PUT "), ascii("DELETE "),
    ascii("OPTIONS "), ascii("CONNECT "), ascii("PATCH "), ascii("TRACE "), ascii("PRI ")
  };

  /** What the bytes so far say. */
  enum Verdict {
    HTTP,
    /** A TLS handshake on a port without TLS: a client run with --tls against a plain broker. */
    TLS,
    CHAT,
    /** Too few bytes, all of them the start of a method: wait for more. */
    UNDECIDED
  }

  private static final byte TLS_HANDSHAKE = 22;

  private final BrokerCounters counters;

  /** The first bytes, while they are too few to decide. */
  private ByteBuf head;

  /** Answered as HTTP: a read already under way when reading stopped is dropped, not chat. */
  private boolean refused;

  HttpSniffer(BrokerCounters counters) {
    this.counters = counters;
  }

  @Override
  @SuppressWarnings("FutureReturnValueIgnored") // a failed close still closes
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    if (refused) {
      in.release();
      return;
    }
    if (head != null) {
      in = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), head, in);
      head = null;
    }
    switch (verdict(in)) {
      case UNDECIDED -> head = in;
      case CHAT -> {
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(in);
      }
      case TLS -> {
        // Nothing in clear text would reach a TLS client: close, and it reports a failed handshake.
        in.release();
        refused = true;
        ctx.channel().config().setAutoRead(false);
        counters.error(ErrorCode.BAD_COMMAND);
        ctx.close();
      }
      case HTTP -> {
        in.release();
        refused = true;
        ctx.channel().config().setAutoRead(false);
        counters.httpRequestRefused();
        counters.error(ErrorCode.BAD_COMMAND);
        ctx.writeAndFlush(Farewell.HTTP_REQUEST.encode(ctx.alloc()))
            .addListener(ChannelFutureListener.CLOSE);
      }
    }
  }

  /** Whether the readable bytes of {@code in}, the start of a connection, are an HTTP request. */
  static Verdict verdict(ByteBuf in) {
    // A TLS record starts with its type (22, handshake) and major version 3; no chat line does.
    if (in.isReadable() && in.getByte(in.readerIndex()) == TLS_HANDSHAKE) {
      if (in.readableBytes() < 2) {
        return Verdict.UNDECIDED;
      }
      if (in.getByte(in.readerIndex() + 1) == 3) {
        return Verdict.TLS;
      }
    }
    Verdict verdict = Verdict.CHAT;
    for (byte[] method : METHODS) {
      int n = Math.min(method.length, in.readableBytes());
      if (startsWith(in, method, n)) {
        if (n == method.length) {
          return Verdict.HTTP;
        }
        verdict = Verdict.UNDECIDED;
      }
    }
    return verdict;
  }

  private static boolean startsWith(ByteBuf in, byte[] prefix, int length) {
    int from = in.readerIndex();
    for (int i = 0; i < length; i++) {
      if (in.getByte(from + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (head != null) {
      head.release();
      head = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    handlerRemoved(ctx);
    ctx.fireChannelInactive();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
