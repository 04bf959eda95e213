package io.ringchat.broker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.ringchat.broker.ring.EventKind;
import io.ringchat.broker.ring.EventSink;
import io.ringchat.broker.room.Peer;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.ClientLine;
import io.ringchat.protocol.Command;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.LineFramer;
import io.ringchat.protocol.Names;
import io.ringchat.protocol.ServerFrames;
import io.ringchat.protocol.Text;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One connection's inbound side: frames its bytes into lines ({@link LineFramer}), turns them into
 * ring events, and owns the connection's limits (max clients, join timeout, slow consumer,
 * ring-full back-pressure). It is the connection's only handler: framing here rather than in a
 * decoder of its own saves a second handler and pipeline context per connection (about 80 bytes, at
 * tens of thousands of idle members).
 *
 * <p>Validation happens here, in parallel on the I/O threads: the room only sees well-formed
 * requests and the errors to report, in the order the lines arrived. When the ring is full the
 * event is kept in a small per-connection backlog, reading stops, and a timer retries; nothing is
 * dropped and the thread never waits.
 *
 * <p>Called by the connection's event loop only, so its state needs no synchronisation.
 */
// Closes and timers here are fire-and-forget: a failed close still ends in channelInactive, and a
// timer's only result is its side effect, so their futures carry nothing to act on.
@SuppressWarnings("FutureReturnValueIgnored")
final class PeerHandler extends ChannelInboundHandlerAdapter implements LineFramer.Sink {
  /** How soon a connection paused by a full ring tries again. */
  private static final long RING_RETRY_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

  /** How long a slow consumer's connection may take to flush its ERR before it is cut. */
  private static final long SLOW_CONSUMER_GRACE_MILLIS = 1_000;

  /**
   * What every connection of one event loop shares. One reference here instead of six fields keeps
   * each idle connection a few bytes smaller, which adds up over tens of thousands.
   */
  record Shared(
      EventSink ring,
      BrokerCounters counters,
      ConnectionLimit limit,
      JoinDeadlines joinDeadlines,
      LoopConnections connections,
      int eventLoopIndex,
      int maxLineBytes,
      int maxLinesPerSecond) {}

  private final Shared shared;

  /** The framing state between reads ({@link LineFramer}): one int, no framer object. */
  private int framing = LineFramer.START;

  /** Bytes read but not yet framed: the start of a line whose LF has not arrived. */
  private ByteBuf partial;

  /** Links of {@link LoopConnections}' list. */
  PeerHandler previous;

  PeerHandler next;

  private Peer peer;
  private ChannelHandlerContext ctx;
  private boolean sawFirstLine;

  /** Set once the connection asked to leave, was refused or evicted: its input is ignored. */
  private boolean inputDone;

  private ArrayDeque<Pending> backlog;
  private boolean retryScheduled;

  /** Flood control; null unless --max-rate is set. */
  private LineRate rate;

  private boolean ratePaused;

  private record Pending(EventKind kind, Object detail) {}

  PeerHandler(Shared shared) {
    this.shared = shared;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    if (!shared.limit().tryAcquire()) {
      inputDone = true;
      channel.config().setAutoRead(false);
      shared.counters().error(ErrorCode.SERVER_FULL);
      closeWith(ctx, ServerFrames.encodeErr(ctx.alloc(), ErrorCode.SERVER_FULL));
      return;
    }
    shared.counters().connectionOpened();
    peer = new Peer(channel, shared.eventLoopIndex());
    this.ctx = ctx;
    shared.joinDeadlines().start(this, ctx.executor());
    if (shared.maxLinesPerSecond() > 0) {
      rate = new LineRate(shared.maxLinesPerSecond(), System.nanoTime());
    }
    shared.connections().add(this);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    if (peer == null || inputDone) {
      in.release();
      return;
    }
    if (partial != null) {
      in = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), partial, in);
      partial = null;
    }
    try {
      framing = LineFramer.frame(in, framing, shared.maxLineBytes(), this);
    } finally {
      keepPartial(ctx, in);
    }
  }

  /**
   * Keeps what is left of {@code in} (an unfinished line) for the next read, in a buffer of its own
   * size: an idle connection must not pin a whole read buffer for a few bytes.
   */
  private void keepPartial(ChannelHandlerContext ctx, ByteBuf in) {
    int left = in.readableBytes();
    if (left == 0 || inputDone) {
      in.release();
    } else if (in.capacity() > 2 * left + 64) {
      partial = ctx.alloc().buffer(left).writeBytes(in);
      in.release();
    } else {
      partial = in;
    }
  }

  /** One framed line, owned from here on. */
  @Override
  public void line(ByteBuf line) {
    if (inputDone) {
      line.release();
      return;
    }
    shared.counters().frameIn();
    checkRate();
    if (!sawFirstLine) {
      sawFirstLine = true;
      if (HttpRequestLine.matches(line)) {
        line.release();
        refuseHttp(ctx);
        return;
      }
    }
    dispatch(ctx, line);
  }

  /** A line over --max-line, already discarded. */
  @Override
  public void tooLong() {
    if (inputDone) {
      return;
    }
    shared.counters().frameIn();
    checkRate();
    sawFirstLine = true;
    publish(ctx, EventKind.REJECT, ErrorCode.TOO_LONG);
  }

  private void checkRate() {
    if (rate != null && !rate.take(System.nanoTime()) && !ratePaused) {
      pauseForRate(ctx);
    }
  }

  /** Classifies one line and publishes it; takes ownership of {@code line}. */
  private void dispatch(ChannelHandlerContext ctx, ByteBuf line) {
    int wordLength = ClientLine.wordLength(line);
    Command command = Command.match(line, wordLength);
    ByteBuf argument = ClientLine.argument(line, wordLength);
    if (command == null
        || (argument == null && (command == Command.JOIN || command == Command.SEND))) {
      line.release();
      publish(ctx, EventKind.REJECT, ErrorCode.BAD_COMMAND);
      return;
    }
    switch (command) {
      case JOIN -> {
        Names.Result result = Names.parse(argument);
        line.release();
        if (result.error() != null) {
          publish(ctx, EventKind.REJECT, result.error());
        } else {
          publish(ctx, EventKind.JOIN, result.name());
        }
      }
      case SEND, PING -> {
        EventKind kind = command == Command.SEND ? EventKind.SEND : EventKind.PING;
        if (argument == null) {
          line.release();
          publish(ctx, kind, null);
        } else if (!Text.isValid(argument)) {
          line.release();
          publish(ctx, EventKind.REJECT, ErrorCode.BAD_TEXT);
        } else {
          // The line itself becomes the payload, its reader index moved past the command word.
          publish(ctx, kind, line.skipBytes(wordLength + 1));
        }
      }
      case WHO -> {
        line.release();
        publish(ctx, EventKind.WHO, null);
      }
      case LEAVE -> {
        line.release();
        stopReading(ctx);
        publish(ctx, EventKind.LEAVE, null);
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (partial != null) {
      partial.release();
      partial = null;
    }
    if (peer == null) {
      return; // refused at the door: it held no place and the room never heard of it
    }
    shared.limit().release();
    shared.counters().connectionClosed();
    shared.connections().remove(this);
    peer.closeOutput();
    inputDone = true;
    publish(ctx, EventKind.DISCONNECTED, null);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // Unwritable means more than --max-pending bytes wait for this connection: the room never
    // waits for a slow member, it removes it.
    if (peer != null && !ctx.channel().isWritable() && !peer.isOutputClosed()) {
      peer.closeOutput();
      stopReading(ctx);
      shared.counters().error(ErrorCode.SLOW_CONSUMER);
      publish(ctx, EventKind.EVICTED, null);
      Channel channel = ctx.channel();
      closeWith(ctx, ServerFrames.encodeErr(ctx.alloc(), ErrorCode.SLOW_CONSUMER));
      ctx.executor()
          .schedule(() -> channel.close(), SLOW_CONSUMER_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset or other I/O error ends this connection alone; channelInactive tells the room.
    if (!(cause instanceof IOException)) {
      System.err.println("ringchat: closing " + ctx.channel() + " after " + cause);
    }
    ctx.close();
  }

  private void publish(ChannelHandlerContext ctx, EventKind kind, Object detail) {
    if ((backlog == null || backlog.isEmpty()) && shared.ring().tryPublish(kind, peer, detail)) {
      return;
    }
    if (backlog == null) {
      backlog = new ArrayDeque<>();
    }
    backlog.add(new Pending(kind, detail));
    if (!retryScheduled) {
      shared.counters().ringFullPause();
      ctx.channel().config().setAutoRead(false);
      scheduleRetry(ctx);
    }
  }

  private void scheduleRetry(ChannelHandlerContext ctx) {
    retryScheduled = true;
    ctx.executor().schedule(() -> drainBacklog(ctx), RING_RETRY_NANOS, TimeUnit.NANOSECONDS);
  }

  private void drainBacklog(ChannelHandlerContext ctx) {
    retryScheduled = false;
    for (Pending head = backlog.peek(); head != null; head = backlog.peek()) {
      if (!shared.ring().tryPublish(head.kind(), peer, head.detail())) {
        scheduleRetry(ctx);
        return;
      }
      backlog.poll();
    }
    resumeReadingIfAllowed(ctx);
  }

  /** Over --max-rate: this line is handled, but nothing more is read until the debt is paid. */
  private void pauseForRate(ChannelHandlerContext ctx) {
    ratePaused = true;
    shared.counters().rateLimitPause();
    ctx.channel().config().setAutoRead(false);
    ctx.executor()
        .schedule(
            () -> {
              ratePaused = false;
              resumeReadingIfAllowed(ctx);
            },
            Math.max(1, rate.nanosUntilClear(System.nanoTime())),
            TimeUnit.NANOSECONDS);
  }

  /** Reads again unless something still holds it back: leaving, flood control or a full ring. */
  private void resumeReadingIfAllowed(ChannelHandlerContext ctx) {
    if (!inputDone && !ratePaused && (backlog == null || backlog.isEmpty())) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void stopReading(ChannelHandlerContext ctx) {
    inputDone = true;
    ctx.channel().config().setAutoRead(false);
  }

  Channel channel() {
    return ctx.channel();
  }

  /** Whether the join timeout no longer concerns this connection. */
  boolean isJoinedOrDone() {
    return peer.isJoined() || inputDone || !ctx.channel().isActive();
  }

  /** Called by {@link JoinDeadlines} when the deadline passed without a JOIN. */
  void joinTimedOut() {
    stopReading(ctx);
    shared.counters().joinTimeout();
    shared.counters().error(ErrorCode.NOT_JOINED);
    long seconds = TimeUnit.NANOSECONDS.toSeconds(shared.joinDeadlines().timeoutNanos());
    closeWith(
        ctx,
        ServerFrames.encodeErr(
            ctx.alloc(), ErrorCode.NOT_JOINED, "no JOIN within " + seconds + " s; closing"));
  }

  private void refuseHttp(ChannelHandlerContext ctx) {
    stopReading(ctx);
    shared.counters().httpRefused();
    shared.counters().error(ErrorCode.BAD_COMMAND);
    closeWith(
        ctx,
        ServerFrames.encodeErr(
            ctx.alloc(),
            ErrorCode.BAD_COMMAND,
            "this is a ringchat chat server, not an HTTP server; use nc or the ringchat client"));
  }

  /** Writes {@code frame}, then closes the connection once it is flushed. */
  private static void closeWith(ChannelHandlerContext ctx, ByteBuf frame) {
    ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
  }
}
