package io.ringchat.broker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.ringchat.broker.ring.EventKind;
import io.ringchat.broker.ring.PositionedJoin;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.Farewell;
import io.ringchat.protocol.JoinPosition;
import io.ringchat.protocol.LineClassifier;
import io.ringchat.protocol.LineFramer;
import io.ringchat.protocol.Name;
import io.ringchat.protocol.Requests;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One admitted connection, for its whole life: frames its bytes into lines ({@link LineFramer}),
 * classifies each ({@link LineClassifier}) and publishes the request into the ring ({@link
 * RingPublisher}); tells the room when the connection closes or is removed as a slow consumer;
 * applies flood control ({@code --max-rate}, and its address's {@link AddressBudget}) and the join
 * timeout. Each of those rules lives in its own class; this one ties them to the channel's events.
 * Framing here rather than in a decoder of its own saves a second handler context per connection
 * (about 80 bytes, at tens of thousands of idle members).
 *
 * <p>Validation happens here, in parallel on the I/O threads: the room only sees well-formed
 * requests and the errors to report, in the order the lines arrived.
 *
 * <p>Its connection's event loop only (Netty's guarantee), so its state needs no synchronisation.
 */
// Closes and timers here are fire-and-forget: a failed close still ends in channelInactive, and a
// timer's only result is its side effect, so their futures carry nothing to act on.
@SuppressWarnings("FutureReturnValueIgnored")
final class ConnectionHandler extends ChannelInboundHandlerAdapter
    implements LineFramer.Sink, Requests {
  /** How long a slow consumer's connection may take to flush its ERR before it is cut. */
  private static final long SLOW_CONSUMER_GRACE_MILLIS = 1_000;

  private final IoLoop loop;
  private Connection connection;
  private ChannelHandlerContext ctx;

  /** The framing state between reads ({@link LineFramer}): one int, no framer object. */
  private int framing = LineFramer.START;

  /** Bytes read but not yet framed: the start of a line whose LF has not arrived. */
  private ByteBuf partial;

  /** Set once the connection asked to leave, timed out or was evicted: its input is ignored. */
  private boolean inputDone;

  /** Events waiting for room in the ring; null unless the ring was full ({@link RingPublisher}). */
  ArrayDeque<RingPublisher.Pending> backlog;

  /** This connection's lines per second ({@code --max-rate}); null when that is off. */
  private Pace rate;

  /** What this connection shares with the others from its address; released when it closes. */
  private final AddressBudget address;

  /**
   * Over a flood-control rate: not read, and not framed, until a timer ends it. What was read
   * already waits in {@link #partial} (TCP) or {@link #held} (WebSocket lines), in order.
   */
  private boolean throttled;

  /** WebSocket lines (ByteBuf) and refusals (ErrorCode) that arrived while throttled; or null. */
  private ArrayDeque<Object> held;

  /** Lines arrive as WebSocket text frames ({@link WebSocketLines}), not as a byte stream. */
  private final boolean webSocket;

  /**
   * @param address the budget of the connection's address, a place in which it already holds
   */
  ConnectionHandler(IoLoop loop, boolean webSocket, AddressBudget address) {
    this.loop = loop;
    this.webSocket = webSocket;
    this.address = address;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelActive();
  }

  /**
   * A WebSocket's handler is added after its upgrade, to a channel active long since; an accepted
   * TCP channel is active already when its pipeline is built, and channelActive follows.
   */
  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      start(ctx);
    }
  }

  private BrokerCounters.Listener listener() {
    return webSocket ? BrokerCounters.Listener.WEBSOCKET : BrokerCounters.Listener.TCP;
  }

  private void start(ChannelHandlerContext ctx) {
    if (connection != null) {
      return; // started when added
    }
    this.ctx = ctx;
    connection = loop.table().open(ctx.channel());
    connection.onReplayOverflow(this::evictSlowConsumer);
    loop.counters().connectionOpened(listener());
    loop.joinDeadlines().start(this);
    int maxRate = loop.limits().maxLinesPerSecond();
    if (maxRate > 0) {
      rate = new Pace(maxRate, loop.clock().nanoTime());
    }
  }

  /** The id the room knows this connection by. */
  long id() {
    return connection.id();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    if (inputDone) {
      in.release();
      return;
    }
    if (partial != null) {
      in = ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), partial, in);
      partial = null;
    }
    if (throttled) {
      partial = in; // read before the pause took effect: framed when it ends, nothing lost
      return;
    }
    frame(ctx, in);
  }

  /** Frames what {@code in} holds, up to a pause, and keeps the rest for later. */
  private void frame(ChannelHandlerContext ctx, ByteBuf in) {
    try {
      framing = LineFramer.frame(in, framing, loop.limits().maxLineBytes(), this);
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
    loop.counters().frameIn();
    spend(line.readableBytes() + 1);
    LineClassifier.classify(line, loop.limits().positionedJoins(), this);
  }

  /**
   * Asked by the framer before each line: a throttled connection's lines wait, and so does the next
   * line of a connection whose own rate or whose address's is over its burst. Checking before a
   * line, not after, means an address's connections cannot each slip one line past its rate.
   */
  @Override
  public boolean paused() {
    if (throttled) {
      return true;
    }
    if (rate == null && !address.paces()) {
      return false; // flood control is off: nothing to ask
    }
    long now = loop.clock().nanoTime();
    long lineWait = rate == null ? 0 : rate.nanosUntilClear(now);
    if (lineWait > 0) {
      loop.counters().throttledLine(BrokerCounters.Throttle.CONNECTION_LINES);
    }
    long bytesWait = address.bytesOverFor(now);
    if (bytesWait > 0) {
      loop.counters().throttledLine(BrokerCounters.Throttle.ADDRESS_BYTES);
    }
    long joinsWait = address.joinsOverFor(now);
    if (joinsWait > 0) {
      loop.counters().throttledLine(BrokerCounters.Throttle.ADDRESS_JOINS);
    }
    throttleFor(Math.max(lineWait, Math.max(bytesWait, joinsWait)));
    return throttled;
  }

  /**
   * One whole line from a message-framed transport (a WebSocket text frame), its LF removed and
   * checked to hold no other CR or LF ({@link WebSocketLines}); owned from here on.
   */
  void wholeLine(ByteBuf line) {
    if (inputDone) {
      line.release();
      return;
    }
    if (!hold(line)) {
      handleWholeLine(line);
    }
  }

  private void handleWholeLine(ByteBuf line) {
    if (line.readableBytes() > loop.limits().maxLineBytes()) {
      line.release();
      handleRefused(ErrorCode.TOO_LONG);
    } else {
      line(line);
    }
  }

  /**
   * A line refused before it could be classified: over --max-line, or a WebSocket frame with a CR
   * or LF inside.
   */
  void refusedLine(ErrorCode code) {
    if (!inputDone && !hold(code)) {
      handleRefused(code);
    }
  }

  private void handleRefused(ErrorCode code) {
    if (inputDone) {
      return;
    }
    loop.counters().frameIn();
    spend(loop.limits().maxLineBytes() + 1); // it was at least that long, or it was a bad frame
    publish(EventKind.REJECT, code);
  }

  /**
   * A WebSocket line or refusal that arrives while throttled (the rest of a read already under
   * way), or behind others that did: kept, in order, for when the pause ends. Returns whether it
   * was kept.
   */
  private boolean hold(Object lineOrRefusal) {
    if (!webSocket || (held == null && !paused())) {
      return false; // a TCP line's framer asked paused() already; this one is being handled
    }
    if (held == null) {
      held = new ArrayDeque<>();
    }
    held.add(lineOrRefusal);
    return true;
  }

  /** A line over --max-line, already discarded. */
  @Override
  public void tooLong() {
    refusedLine(ErrorCode.TOO_LONG);
  }

  // The requests of this connection's lines, as LineClassifier hands them over.

  @Override
  public void join(Name name, JoinPosition position) {
    publish(EventKind.JOIN, position == null ? name : new PositionedJoin(name, position));
    // Each join is paid for by its address: presence lines to every member are what churn floods.
    // A LEAVE or a close can only follow a join, so pacing joins paces the LEFT lines too.
    address.spendJoin(loop.clock().nanoTime());
  }

  @Override
  public void send(ByteBuf text) {
    publish(EventKind.SEND, text);
  }

  @Override
  public void ping(ByteBuf token) {
    publish(EventKind.PING, token);
  }

  @Override
  public void who() {
    publish(EventKind.WHO, null);
  }

  @Override
  public void leave() {
    stopReading();
    publish(EventKind.LEAVE, null);
  }

  @Override
  public void refuse(ErrorCode code) {
    publish(EventKind.REJECT, code);
  }

  private void publish(EventKind kind, Object detail) {
    loop.publisher().publish(this, kind, detail);
  }

  /**
   * Charges one handled line of {@code bytes} (LF included) to the connection's and its address's
   * flood control; if that takes either over its burst, the next line waits ({@link #paused}).
   */
  private void spend(int bytes) {
    if (rate == null && !address.paces()) {
      return;
    }
    long now = loop.clock().nanoTime();
    if (rate != null) {
      rate.spend(1, now);
    }
    address.spendLine(bytes, now);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (partial != null) {
      partial.release();
      partial = null;
    }
    loop.release(address, ctx.executor());
    releaseHeld();
    loop.counters().connectionClosed(listener());
    loop.table().close(connection);
    connection.closeOutput();
    inputDone = true;
    publish(EventKind.DISCONNECTED, null);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // Unwritable means more than --max-pending bytes wait for this connection: the room never
    // waits for a slow member, it removes it.
    if (!ctx.channel().isWritable()) {
      evictSlowConsumer();
    }
  }

  /**
   * Removes this connection as a slow consumer: more than {@code --max-pending} bytes wait for it,
   * in the channel or queued behind a replay ({@link ReplayFeed}).
   */
  private void evictSlowConsumer() {
    if (!connection.isOutputClosed()) {
      connection.closeOutput();
      stopReading();
      loop.counters().error(ErrorCode.SLOW_CONSUMER);
      publish(EventKind.EVICTED, null);
      Channel channel = ctx.channel();
      closeWith(Farewell.SLOW_CONSUMER.encode(ctx.alloc()));
      ctx.executor()
          .schedule(() -> channel.close(), SLOW_CONSUMER_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset or other I/O error ends this connection alone; channelInactive tells the room.
    // A decoder's complaint (not TLS, a broken WebSocket frame) ends the connection quietly too.
    if (!(cause instanceof IOException) && !(cause instanceof DecoderException)) {
      System.err.println("ringchat: closing " + ctx.channel() + " after " + cause);
    }
    if (connection != null) {
      if (cause instanceof IOException && isPeerGone(cause) && !connection.isOutputClosed()) {
        loop.counters().deadPeerRemoved(); // once: the failed writes that follow are not counted
      }
      connection.closeOutput();
    }
    ctx.close();
  }

  /**
   * Whether the kernel gave up on the peer: keepalive probes or unacknowledged data went unanswered
   * for --keepalive's bound (ETIMEDOUT), or the peer's host stopped answering at all on the way
   * there (EHOSTUNREACH, ENETUNREACH, seen when its link went down while data was flowing). Both
   * transports report these with the C library's text.
   */
  static boolean isPeerGone(Throwable cause) {
    String message = cause.getMessage();
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("timed out") || m.contains("no route to host") || m.contains("unreachable");
  }

  /**
   * Over a rate: nothing more is framed or read for {@code nanos}, when the rates are back within
   * their bursts. Nothing is dropped: what was read waits.
   */
  private void throttleFor(long nanos) {
    if (nanos <= 0 || throttled) {
      return;
    }
    throttled = true;
    loop.counters().rateLimitPause();
    ctx.channel().config().setAutoRead(false);
    ctx.executor().schedule(this::endThrottle, nanos, TimeUnit.NANOSECONDS);
  }

  /** The pause is over: handles what waited, in order, up to the next pause; then reads again. */
  private void endThrottle() {
    throttled = false;
    if (!ctx.channel().isActive()) {
      return; // closed meanwhile: channelInactive released what waited
    }
    if (partial != null && !inputDone) {
      ByteBuf in = partial;
      partial = null;
      frame(ctx, in);
    }
    ArrayDeque<Object> waiting = held;
    held = null; // so that each line below is handled, not held again
    while (waiting != null && !waiting.isEmpty() && !paused()) {
      Object next = waiting.poll();
      if (next instanceof ByteBuf line) {
        handleWholeLine(line);
      } else {
        handleRefused((ErrorCode) next);
      }
    }
    if (waiting != null && !waiting.isEmpty()) {
      held = waiting; // throttled again: the rest waits for the next pause to end
    }
    // Ask before reading: when the connections of a flooding address all wake at the moment it
    // is back within its rate, one of them takes the next line and the others pause again here,
    // without a read (a read each would cost the loop a system call per waiting connection).
    if (!paused()) {
      resumeReadingIfAllowed();
    }
  }

  /** Releases the WebSocket lines that waited for a pause to end (the connection closed). */
  private void releaseHeld() {
    if (held != null) {
      for (Object next : held) {
        ReferenceCountUtil.release(next);
      }
      held = null;
    }
  }

  /** The ring is full: read nothing more until the backlog is in ({@link RingPublisher}). */
  void pauseReading() {
    ctx.channel().config().setAutoRead(false);
  }

  /** Reads again unless something still holds it back: leaving, flood control or a full ring. */
  void resumeReadingIfAllowed() {
    if (!inputDone && !throttled && !RingPublisher.isWaiting(this)) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void stopReading() {
    inputDone = true;
    ctx.channel().config().setAutoRead(false);
  }

  /** Whether the join timeout no longer concerns this connection. */
  boolean isJoinedOrDone() {
    return connection.isJoined() || inputDone || !ctx.channel().isActive();
  }

  /** Called by {@link JoinDeadlines} when the deadline passed without a JOIN. */
  void joinTimedOut() {
    stopReading();
    loop.counters().joinTimeout();
    loop.counters().error(ErrorCode.NOT_JOINED);
    long millis = TimeUnit.NANOSECONDS.toMillis(loop.limits().joinTimeoutNanos());
    String timeout = millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    closeWith(Farewell.JOIN_TIMEOUT.encode(ctx.alloc(), timeout));
  }

  /** Writes {@code frame}, then closes the connection once it is flushed. */
  private void closeWith(ByteBuf frame) {
    ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
  }
}
