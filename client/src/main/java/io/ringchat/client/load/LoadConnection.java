package io.ringchat.client.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * One member of the load run: reads the broker's lines straight from the bytes (no Strings, no
 * per-line objects), checks each sender's order, records latency; and, if it is a sender, writes
 * its messages. A message's text is {@code <sender> <seq> <sentNanos> <padding>}.
 *
 * <p>Confined to the connection's event loop.
 */
// Writes use the void promise (a failure reaches the pipeline), and closes are fire-and-forget.
@SuppressWarnings("FutureReturnValueIgnored")
final class LoadConnection extends ByteToMessageDecoder {
  private static final byte[] MSG = "MSG ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] WELCOME = "WELCOME ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ERR = "ERR ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SEND = "SEND ".getBytes(StandardCharsets.US_ASCII);

  private final RunControl run;
  private final int index;
  private final int senderIndex; // -1 if not a sender
  private final LoopStats stats;
  private final CountDownLatch joined;
  private final int[] nextSeqFrom;
  private final byte[] padding;

  private Channel channel;
  private boolean welcomed;

  // Sender state.
  private int nextSeq;
  private boolean stopped;
  private boolean closedEarly;

  LoadConnection(
      RunControl run, int index, int senderIndex, LoopStats stats, CountDownLatch joined) {
    this.run = run;
    this.index = index;
    this.senderIndex = senderIndex;
    this.stats = stats;
    this.joined = joined;
    this.nextSeqFrom = new int[Math.max(1, run.senders)];
    Arrays.fill(nextSeqFrom, -1);
    this.padding = new byte[run.size];
    Arrays.fill(padding, (byte) 'x');
  }

  int senderIndex() {
    return senderIndex;
  }

  /** The event loop this connection lives on (set once the channel is registered). */
  EventLoop loop() {
    return channel.eventLoop();
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    if (senderIndex >= 0) {
      run.senderConnections[senderIndex] = this;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset: channelInactive reports it
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (run.phase != RunControl.STOPPED && !closedEarly) {
      closedEarly = true;
      System.err.println("load: member " + index + " was disconnected by the broker");
    }
    super.channelInactive(ctx);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    while (start < end) {
      int lf = in.indexOf(start, end, (byte) '\n');
      if (lf < 0) {
        break;
      }
      if (startsWith(in, start, lf, MSG)) {
        onMessage(in, start + MSG.length, lf);
      } else if (!welcomed && startsWith(in, start, lf, WELCOME)) {
        welcomed = true;
        joined.countDown();
      } else if (startsWith(in, start, lf, ERR)) {
        System.err.println(
            "load: connection "
                + index
                + " got "
                + in.toString(start, lf - start, StandardCharsets.UTF_8));
      }
      start = lf + 1;
    }
    in.readerIndex(start);
  }

  private void onMessage(ByteBuf in, int from, int lf) {
    int nameEnd = in.indexOf(from, lf, (byte) ' ');
    int p = nameEnd + 1;
    int senderEnd = in.indexOf(p, lf, (byte) ' ');
    int sender = (int) parseNumber(in, p, senderEnd);
    int seqEnd = in.indexOf(senderEnd + 1, lf, (byte) ' ');
    int seq = (int) parseNumber(in, senderEnd + 1, seqEnd);
    int timeEnd = in.indexOf(seqEnd + 1, lf, (byte) ' ');
    long sentNanos = parseNumber(in, seqEnd + 1, timeEnd < 0 ? lf : timeEnd);
    stats.delivered++;
    if (sender == senderIndex) {
      stats.selfDeliveries++;
    }
    int expected = nextSeqFrom[sender];
    if (expected >= 0 && seq != expected) {
      if (seq < expected) {
        stats.outOfOrder++;
      }
      // seq > expected: a gap; it shows up as lost in the totals.
    }
    nextSeqFrom[sender] = Math.max(expected, seq + 1);
    if (run.observerOf(sender) == index) {
      run.observed.lazySet(sender, seq + 1);
      LoadConnection senderConnection = run.senderConnections[sender];
      if (senderConnection.channel.eventLoop() == channel.eventLoop()) {
        senderConnection.pumpWindow(); // same thread: no need to wait for the next tick
      }
    }
    if (seq >= run.firstMeasured.get(sender)) {
      stats.measuredDelivered++;
      long micros = (System.nanoTime() - sentNanos) / 1_000;
      stats.latencyMicros.recordValue(Math.max(0, Math.min(micros, 60_000_000L)));
    }
  }

  /** Window mode: send until {@code window} messages are beyond what the observer received. */
  void pumpWindow() {
    if (senderIndex < 0 || stopped || run.fixedRate()) {
      return;
    }
    int room = run.window - (nextSeq - run.observed.get(senderIndex));
    if (room <= 0) {
      return;
    }
    ByteBuf burst = channel.alloc().buffer(room * (run.size + 48));
    long now = System.nanoTime();
    for (int i = 0; i < room; i++) {
      writeMessage(burst, nextSeq, now);
      nextSeq++;
    }
    channel.writeAndFlush(burst, channel.voidPromise());
  }

  /**
   * Fixed-rate mode, called each tick: send what is due, stamped with its intended time. Sender i
   * of S is offset by i/S of a period, so that the senders together make an even stream rather than
   * S messages at the same instant every period.
   */
  void sendDue(long nowNanos) {
    if (senderIndex < 0 || stopped) {
      return;
    }
    double periodNanos = 1e9 / run.ratePerSender;
    long firstNanos = run.startNanos + (long) (periodNanos * senderIndex / run.senders);
    long elapsed = nowNanos - firstNanos;
    if (elapsed < 0) {
      return;
    }
    // Message k is due at first + k periods: at elapsed time t, messages 0 .. t / period are due.
    long due = (long) (elapsed / periodNanos) + 1;
    if (due <= nextSeq) {
      return;
    }
    int count = (int) Math.min(due - nextSeq, 10_000);
    ByteBuf burst = channel.alloc().buffer(count * (run.size + 48));
    for (int i = 0; i < count; i++) {
      // The intended send time, not the actual one: latency then includes any time the
      // generator itself fell behind (coordinated omission).
      long intended = firstNanos + (long) (nextSeq * periodNanos);
      writeMessage(burst, nextSeq, intended);
      nextSeq++;
    }
    channel.writeAndFlush(burst, channel.voidPromise());
  }

  private void writeMessage(ByteBuf out, int seq, long sentNanos) {
    out.writeBytes(SEND);
    int textStart = out.writerIndex();
    writeNumber(out, senderIndex);
    out.writeByte(' ');
    writeNumber(out, seq);
    out.writeByte(' ');
    writeNumber(out, sentNanos);
    int textLength = out.writerIndex() - textStart;
    if (textLength < run.size) {
      out.writeByte(' ');
      out.writeBytes(padding, 0, Math.max(0, run.size - textLength - 1));
    }
    out.writeByte('\n');
  }

  /** On the loop: marks where measuring starts for this sender. */
  void startMeasuring() {
    if (senderIndex >= 0) {
      run.firstMeasured.set(senderIndex, nextSeq);
    }
  }

  /** On the loop: stops sending; returns how many were sent while measuring. */
  long stop() {
    stopped = true;
    if (senderIndex < 0) {
      return 0;
    }
    int first = run.firstMeasured.get(senderIndex);
    return first == Integer.MAX_VALUE ? 0 : nextSeq - first;
  }

  private static boolean startsWith(ByteBuf in, int from, int to, byte[] prefix) {
    if (to - from < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (in.getByte(from + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static long parseNumber(ByteBuf in, int from, int to) {
    long value = 0;
    for (int i = from; i < to; i++) {
      int digit = in.getByte(i) - '0';
      if (digit < 0 || digit > 9) {
        break;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  private static void writeNumber(ByteBuf out, long value) {
    if (value == 0) {
      out.writeByte('0');
      return;
    }
    int start = out.writerIndex();
    long v = value;
    while (v > 0) {
      out.writeByte((int) ('0' + v % 10));
      v /= 10;
    }
    // Reverse the digits in place.
    for (int i = start, j = out.writerIndex() - 1; i < j; i++, j--) {
      byte a = out.getByte(i);
      out.setByte(i, out.getByte(j));
      out.setByte(j, a);
    }
  }
}
