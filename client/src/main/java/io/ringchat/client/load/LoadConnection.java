package io.ringchat.client.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.ringchat.protocol.ClientFrames;
import io.ringchat.protocol.Command;
import io.ringchat.protocol.ServerFrame;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * One member of the load run: reads the broker's frames straight from the bytes (no Strings, no
 * per-line objects), checks each sender's order, records latency; and, if it is a sender, writes
 * its messages. A message's text is {@link MessageText}. Speaks ringchat lines or Redis pub/sub
 * ({@link Target}).
 *
 * <p>With {@code --resume} the member is positioned (protocol 1.1): messages come as {@code POST
 * <seq> <ms> <name> <text>}, its own are acknowledged by {@code SENT}, and every line's room seq is
 * checked to follow the last one (a seq seen again is a duplicate and not counted as a delivery; a
 * seq skipped without a {@code GAP} is counted). With {@code --drop-every} it closes its connection
 * on a schedule and joins again on a new one with {@code SINCE} the last seq it saw: the member,
 * its counts and checks outlive its connections, each of which gets a handler of its own ({@link
 * #newHandler()}).
 *
 * <p>Confined to the connection's event loop (a Redis sender's publishing connection is registered
 * on the same loop; a resumed connection is made on the same loop).
 */
// Writes use the void promise (a failure reaches the pipeline), and closes are fire-and-forget.
@SuppressWarnings("FutureReturnValueIgnored")
final class LoadConnection {
  private static final byte[] MSG = ServerFrame.Type.MSG.wordAndSpace();
  private static final byte[] WELCOME = ServerFrame.Type.WELCOME.wordAndSpace();
  private static final byte[] ERR = ServerFrame.Type.ERR.wordAndSpace();
  private static final byte[] POST = ServerFrame.Type.POST.wordAndSpace();
  private static final byte[] SENT = ServerFrame.Type.SENT.wordAndSpace();
  private static final byte[] GAP = ServerFrame.Type.GAP.wordAndSpace();
  private static final byte[] REDIS_MESSAGE = "message".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] REDIS_SUBSCRIBE = "subscribe".getBytes(StandardCharsets.US_ASCII);

  private final RunControl run;
  private final int index;
  private final int senderIndex; // -1 if not a sender
  private final LoopStats stats;
  private final CountDownLatch joined;
  private final int[] nextSeqFrom;
  private final byte[] text;
  private final LineEnds lineEnds = new LineEnds();

  private Channel channel;

  /** Where this sender's messages go: its own channel, or its publishing connection on Redis. */
  private Channel publisher;

  private boolean welcomed;

  // Sender state.
  private int nextSeq;

  /** The first sequence number of the fixed-rate schedule (those before it primed the run). */
  private int rateFirstSeq;

  private boolean stopped;
  private boolean closedEarly;

  // Positioned (--resume) state.
  private final String name;
  private final Supplier<ChannelFuture> reconnect;
  private String epoch;
  private long roomSeq = -1; // the newest room seq seen; -1 before the WELCOME
  private long acked; // SENT lines: this sender's messages the room ordered
  private boolean connected; // joined on the current connection
  private boolean dropPending; // a drop waits for the SENT of everything written
  private boolean dropping; // this member closed the connection itself, to resume
  private long dropPeriodNanos;

  /**
   * @param name the member's name
   * @param reconnect makes a new connection to the same broker, on this member's loop, whose
   *     pipeline ends with a {@link #newHandler()} (for {@code --drop-every})
   */
  LoadConnection(
      RunControl run,
      int index,
      int senderIndex,
      LoopStats stats,
      CountDownLatch joined,
      String name,
      Supplier<ChannelFuture> reconnect) {
    this.run = run;
    this.name = name;
    this.reconnect = reconnect;
    this.index = index;
    this.senderIndex = senderIndex;
    this.stats = stats;
    this.joined = joined;
    this.nextSeqFrom = new int[Math.max(1, run.senders)];
    Arrays.fill(nextSeqFrom, -1);
    this.text = new byte[run.size];
  }

  int senderIndex() {
    return senderIndex;
  }

  /** The event loop this connection lives on (set once the channel is registered). */
  EventLoop loop() {
    return channel.eventLoop();
  }

  /**
   * The handler for one connection of this member: it frames and hands everything here. It keeps
   * the unfinished line at the end of a read itself (not a {@code ByteToMessageDecoder}, which
   * would copy each following read into its cumulation to complete it): only that tail is carried
   * over.
   */
  ChannelHandler newHandler() {
    return new ChannelInboundHandlerAdapter() {
      private byte[] tail = new byte[256];
      private int tailLength;

      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        attach(ctx.channel());
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
          ReferenceCountUtil.release(msg);
          return;
        }
        try {
          int length = tailLength + in.readableBytes();
          byte[] a = InboundBytes.join(tail, tailLength, in);
          int used = decode(a, length);
          tailLength = length - used;
          if (tail.length < tailLength) {
            tail = new byte[Math.max(tailLength, tail.length * 2)];
          }
          System.arraycopy(a, used, tail, 0, tailLength);
        } finally {
          in.release();
        }
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
          // Not a reset (which channelInactive reports as a drop): a fault of the generator's
          // own, which must not pass for the broker dropping a member.
          System.err.println("load: connection " + index + " failed: " + cause);
        }
        ctx.close();
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel() == channel) {
          inactive();
        }
        super.channelInactive(ctx);
      }
    };
  }

  private void attach(Channel newChannel) {
    channel = newChannel;
    connected = false; // until its WELCOME: a SEND before it would be refused (not_joined)
    if (!run.target.separatePublisher()) {
      publisher = newChannel;
    }
    if (senderIndex >= 0) {
      run.senderConnections[senderIndex] = this;
    }
  }

  /** Joins on the current connection: plainly, positioned, or (after a drop) SINCE. */
  void sendJoin() {
    ByteBuf join;
    if (!run.resume) {
      join = run.target.join(channel.alloc(), name);
    } else if (epoch == null) {
      join = ClientFrames.encode(channel.alloc(), Command.JOIN, name + " HISTORY 0");
    } else {
      join =
          ClientFrames.encode(
              channel.alloc(), Command.JOIN, name + " SINCE " + epoch + ":" + roomSeq);
    }
    channel.writeAndFlush(join, channel.voidPromise());
  }

  /** On the loop: this sender publishes on {@code channel} (Redis) instead of its own. */
  void publishOn(Channel channel) {
    publisher = channel;
  }

  private void inactive() {
    connected = false;
    if (dropping) {
      return; // this member's own drop: it resumes on a new connection
    }
    // A connection the broker closes while the last deliveries drain counts as well: a member
    // removed as a slow consumer then would otherwise show only as lost messages.
    if (!run.closing) {
      countDropped();
    }
  }

  /** This member's connection ended before the run did: reported, and the run is not clean. */
  private void countDropped() {
    if (!closedEarly) {
      closedEarly = true;
      stats.dropped++;
    }
  }

  /**
   * {@code --drop-every}: from {@code firstNanos} on, every {@code periodNanos}, closes this
   * member's connection and resumes on a new one.
   */
  void dropEvery(long firstNanos, long periodNanos) {
    dropPeriodNanos = periodNanos;
    channel.eventLoop().schedule(this::drop, firstNanos, TimeUnit.NANOSECONDS);
  }

  private void drop() {
    if (run.phase == RunControl.STOPPED || closedEarly) {
      return;
    }
    if (senderIndex >= 0 && acked < nextSeq) {
      // Stop writing and drop once the room has ordered all of it: a message still on its way
      // when the connection closes would be lost by this client, not by the broker.
      dropPending = true;
      return;
    }
    dropPending = false;
    dropping = true;
    channel.close();
    reconnect
        .get()
        .addListener(
            (ChannelFuture connect) -> {
              dropping = false;
              if (!connect.isSuccess()) {
                countDropped();
                return;
              }
              sendJoin();
              channel.eventLoop().schedule(this::drop, dropPeriodNanos, TimeUnit.NANOSECONDS);
            });
  }

  /** Whether this sender may write now: connected, and not waiting to drop. */
  private boolean canSend() {
    return connected && !dropPending && !dropping;
  }

  /** Handles the whole frames in {@code a[0, length)}; returns how many bytes they took. */
  private int decode(byte[] a, int length) {
    // Every line of one read arrived at once: one clock read for all, as the C harness does, so
    // that a line's latency does not include the generator's time parsing the lines before it.
    receivedNanos = System.nanoTime();
    return run.target == Target.REDIS ? decodeRedis(a, length) : decodeLines(a, length);
  }

  /** Handles the whole lines in {@code a[0, end)}; returns how many bytes they took. */
  private int decodeLines(byte[] a, int end) {
    int start = 0;
    while (start < end) {
      int lf = lineEnds.find(a, start, end, run.size);
      if (lf < 0) {
        break;
      }
      line(a, start, lf);
      start = lf + 1;
    }
    return start;
  }

  /** One line, {@code a[start, lf)}; the first byte picks the few frames that can be it. */
  private void line(byte[] a, int start, int lf) {
    switch (a[start]) {
      case 'M' -> {
        // The text is the line's last --size bytes (every member of a run is the generator's):
        // nothing before it needs reading.
        if (InboundBytes.startsWith(a, start, lf, MSG) && textFollows(a, start + MSG.length, lf)) {
          onMessage(a, lf - run.size);
        }
      }
      case 'P' -> {
        // Only the room seq is read (to check the order); the time and the name are skipped.
        if (InboundBytes.startsWith(a, start, lf, POST)
            && textFollows(a, start + POST.length, lf)
            && nextInRoom(roomSeq(a, start + POST.length, lf))) {
          onMessage(a, lf - run.size);
        }
      }
      case 'S' -> {
        if (InboundBytes.startsWith(a, start, lf, SENT)) {
          nextInRoom(number(a, start + SENT.length, lf));
          acked++;
          if (dropPending && acked >= nextSeq) {
            drop(); // the schedule goes on from the resume
          }
        }
      }
      case 'G' -> {
        if (InboundBytes.startsWith(a, start, lf, GAP)) {
          stats.gapsReported++;
          int fromEnd = InboundBytes.indexOf(a, start + GAP.length, lf, (byte) ' ');
          if (fromEnd > 0) {
            roomSeq = Math.max(roomSeq, number(a, fromEnd + 1, lf));
          }
        }
      }
      case 'W' -> {
        if (InboundBytes.startsWith(a, start, lf, WELCOME)) {
          welcome(a, start, lf);
        }
      }
      case 'E' -> {
        if (InboundBytes.startsWith(a, start, lf, ERR)) {
          error(a, start, lf);
        }
      }
      default -> {
        // JOINED, LEFT, REPLAYED, PONG, MEMBER...: nothing to count
      }
    }
  }

  private void error(byte[] a, int start, int lf) {
    if (resumeRefusedAsTaken(a, start, lf)) {
      // The broker has not yet seen the old connection close (another socket, read in its own
      // turn): its name is still held. Ask again shortly, as the CLI does.
      Channel current = channel;
      current
          .eventLoop()
          .schedule(
              () -> {
                if (current == channel && current.isActive()) {
                  sendJoin();
                }
              },
              50,
              TimeUnit.MILLISECONDS);
    } else {
      reportError(a, start, lf);
    }
  }

  /**
   * Redis pushes {@code *3 $7 message $N channel $N payload} (and {@code *3 $9 subscribe $N channel
   * :1} once); errors are {@code -ERR ...} lines. A frame not yet complete waits for more bytes.
   * Returns how many bytes the whole frames in {@code a[0, end)} took.
   */
  private int decodeRedis(byte[] a, int end) {
    int start = 0;
    while (start < end) {
      int next = redisFrame(a, start, end);
      if (next < 0) {
        break;
      }
      start = next;
    }
    return start;
  }

  /** Handles the frame at {@code start}; returns where the next begins, or -1 if incomplete. */
  private int redisFrame(byte[] a, int start, int end) {
    int lineEnd = InboundBytes.indexOf(a, start, end, (byte) '\n');
    if (lineEnd < 0) {
      return -1;
    }
    byte type = a[start];
    if (type != '*') {
      if (type == '-') {
        reportError(a, start, lineEnd - 1);
      }
      return lineEnd + 1; // a lone reply we do not need
    }
    int count = (int) number(a, start + 1, lineEnd);
    int p = lineEnd + 1;
    int kindFrom = -1;
    int kindTo = -1;
    int payloadFrom = -1;
    int payloadTo = -1;
    for (int i = 0; i < count; i++) {
      int headerEnd = p < end ? InboundBytes.indexOf(a, p, end, (byte) '\n') : -1;
      if (headerEnd < 0) {
        return -1;
      }
      if (a[p] != '$') {
        p = headerEnd + 1; // an integer element
        continue;
      }
      int length = (int) number(a, p + 1, headerEnd);
      int dataFrom = headerEnd + 1;
      p = dataFrom + length + 2;
      if (p > end) {
        return -1;
      }
      if (i == 0) {
        kindFrom = dataFrom;
        kindTo = dataFrom + length;
      } else if (i == 2) {
        payloadFrom = dataFrom;
        payloadTo = dataFrom + length;
      }
    }
    if (kindFrom >= 0
        && InboundBytes.startsWith(a, kindFrom, kindTo, REDIS_MESSAGE)
        && payloadFrom >= 0) {
      if (payloadTo - payloadFrom == run.size) {
        onMessage(a, payloadFrom);
      }
    } else if (!welcomed
        && kindFrom >= 0
        && InboundBytes.startsWith(a, kindFrom, kindTo, REDIS_SUBSCRIBE)) {
      welcome();
    }
    return p;
  }

  private void welcome() {
    welcomed = true;
    connected = true;
    joined.countDown();
  }

  private static final byte[] NAME_TAKEN = "ERR name_taken ".getBytes(StandardCharsets.US_ASCII);

  /** Whether {@code a[start, lf)} refuses a resuming JOIN because the name is still held. */
  private boolean resumeRefusedAsTaken(byte[] a, int start, int lf) {
    return run.resume && welcomed && InboundBytes.startsWith(a, start, lf, NAME_TAKEN);
  }

  /** A WELCOME line: the first is the join; after a drop, a resume. */
  private void welcome(byte[] a, int start, int lf) {
    int last = InboundBytes.indexOf(a, start, lf, (byte) ':');
    if (last > 0 && epoch == null) {
      // WELCOME <name> <count> <epoch>:<last>: the position this member starts from
      int epochStart = start;
      for (int i = last - 1; i > start; i--) {
        if (a[i] == ' ') {
          epochStart = i + 1;
          break;
        }
      }
      epoch = new String(a, epochStart, last - epochStart, StandardCharsets.US_ASCII);
      roomSeq = number(a, last + 1, lf);
    }
    if (!welcomed) {
      welcome();
    } else if (run.resume) {
      stats.resumed++;
      connected = true;
    }
  }

  /**
   * Positioned: the room seq of the line just read must follow the last one. Returns false for a
   * seq already seen (a duplicate: not a delivery); a seq past the next one without a GAP before it
   * counts the seqs skipped.
   */
  private boolean nextInRoom(long seq) {
    if (roomSeq >= 0 && seq <= roomSeq) {
      stats.duplicated++;
      return false;
    }
    if (roomSeq >= 0 && seq > roomSeq + 1) {
      stats.skipped += seq - roomSeq - 1;
    }
    roomSeq = seq;
    return true;
  }

  private void reportError(byte[] a, int start, int end) {
    String line = new String(a, start, end - start, StandardCharsets.UTF_8);
    System.err.println("load: connection " + index + " got " + line);
    if (line.contains("per-address limit") && run.perAddressHintGiven.compareAndSet(false, true)) {
      System.err.println(
          "load: the broker caps connections per address (--max-clients-per-address); spread"
              + " them with --source-addresses N, or start the broker with"
              + " --max-clients-per-address 0");
    }
  }

  /**
   * Whether a line whose fields after the frame's word start at {@code from} ends with a message
   * text of this run's size ({@code a[lf - size, lf)}) after a space.
   */
  private boolean textFollows(byte[] a, int from, int lf) {
    int text = lf - run.size;
    return text > from && a[text - 1] == ' ';
  }

  /** One message whose text ({@link MessageText}, {@code --size} bytes) starts at {@code a[p]}. */
  private void onMessage(byte[] a, int p) {
    int sender = MessageText.sender(a, p);
    int seq = MessageText.seq(a, p);
    long sentNanos = MessageText.sentNanos(a, p);
    if (sender >= nextSeqFrom.length) {
      return; // not a generator's message (every member of a run is one)
    }
    if (sender == senderIndex) {
      if (run.resume) {
        return; // a replay may hold this member's own earlier lines: not deliveries
      }
      if (run.target.separatePublisher()) {
        stats.echoes++; // Redis sends subscribers their own messages; not a delivery
        return;
      }
      stats.selfDeliveries++;
    }
    stats.delivered++;
    int expected = nextSeqFrom[sender];
    if (expected >= 0 && seq != expected) {
      if (seq < expected) {
        stats.outOfOrder++;
      }
      // seq > expected: a gap; it shows up as lost in the totals.
    }
    nextSeqFrom[sender] = Math.max(expected, seq + 1);
    int rank = run.observerRank(sender, index);
    if (rank > 0) {
      run.observe(sender, rank, seq + 1);
      LoadConnection senderConnection = run.senderConnections[sender];
      if (senderConnection.channel.eventLoop() == channel.eventLoop()) {
        senderConnection.pumpWindow(); // same thread: no need to wait for the next tick
      }
    }
    Histogram latency = stats.unmeasuredLatencyMicros;
    if (seq >= run.firstMeasured.get(sender)) {
      stats.measuredDelivered++;
      latency = stats.latencyMicros;
    }
    LoopStats.record(latency, receivedNanos - sentNanos);
  }

  /** The room seq of the POST line {@code a[from, lf)}: read while finding its end, as a rule. */
  private long roomSeq(byte[] a, int from, int lf) {
    long seq = lineEnds.seq();
    return seq >= 0 ? seq : number(a, from, lf);
  }

  /** When the bytes being decoded were read. */
  private long receivedNanos;

  /**
   * The decimal number at the start of {@code a[from, to)} (0 if none): a positioned line's room
   * seq, read eight digits at a step (at millions of lines a second, a digit at a time was a large
   * part of the generator's time).
   */
  private long number(byte[] a, int from, int to) {
    long value = 0;
    int i = from;
    while (i + Long.BYTES <= to) {
      long word = InboundBytes.word(a, i);
      int digits = InboundBytes.leadingDigits(word);
      if (digits > 0) {
        value = InboundBytes.appendDigits(value, word, digits);
        i += digits;
      }
      if (digits < Long.BYTES) {
        return value;
      }
    }
    for (; i < to; i++) {
      int digit = a[i] - '0';
      if (digit < 0 || digit > 9) {
        break;
      }
      value = value * 10 + digit;
    }
    return value;
  }

  /** Window mode: send until {@code window} messages are beyond what all observers received. */
  void pumpWindow() {
    if (senderIndex < 0 || stopped || !run.windowed() || !canSend()) {
      return;
    }
    int room = run.window - (nextSeq - run.observedByAll(senderIndex));
    if (room <= 0) {
      return;
    }
    ByteBuf burst = publisher.alloc().buffer(room * (run.size + 96));
    long now = System.nanoTime();
    for (int i = 0; i < room; i++) {
      writeMessage(burst, nextSeq, now);
      nextSeq++;
    }
    publisher.writeAndFlush(burst, publisher.voidPromise());
  }

  /**
   * Fixed-rate mode: sends what is due at {@code nowNanos} and returns when this sender's next
   * message is due. Sender i of S is offset by i/S of a period, so that the senders together make
   * an even stream rather than S messages at the same instant every period.
   *
   * <p>Each message is stamped with the time it is actually sent, as the C harness does: latency is
   * then the broker's (and the network's), not the generator's. How late the generator sent each
   * measured message against its schedule is recorded beside it ({@code sendLagMicros}), so that a
   * generator falling behind shows as lag instead of hiding in the broker's latency. Writes never
   * wait for the broker, so a broker that stalls still delays every message sent meanwhile: the
   * stamps cannot omit its stalls.
   */
  long sendDue(long nowNanos) {
    if (senderIndex < 0 || stopped) {
      return Long.MAX_VALUE;
    }
    if (!canSend()) {
      return nowNanos + 1_000_000; // what falls due meanwhile goes out once it is back
    }
    double periodNanos = 1e9 / run.ratePerSender;
    long firstNanos = run.rateStartNanos + (long) (periodNanos * senderIndex / run.senders);
    long elapsed = nowNanos - firstNanos;
    // Message k is due at first + k periods: at elapsed time t, messages 0 .. t / period are due.
    long due = elapsed < 0 ? 0 : (long) (elapsed / periodNanos) + 1;
    long sent = (long) nextSeq - rateFirstSeq;
    if (due > sent) {
      int count = (int) Math.min(due - sent, 10_000);
      ByteBuf burst = publisher.alloc().buffer(count * (run.size + 96));
      boolean measuring = run.phase == RunControl.MEASURE;
      long stamp = System.nanoTime();
      for (int i = 0; i < count; i++, sent++) {
        if (measuring) {
          LoopStats.record(stats.sendLagMicros, stamp - (firstNanos + (long) (sent * periodNanos)));
        }
        writeMessage(burst, nextSeq, stamp);
        nextSeq++;
      }
      publisher.writeAndFlush(burst, publisher.voidPromise());
    }
    return firstNanos + (long) (sent * periodNanos);
  }

  /** On the loop: the fixed-rate schedule starts with this sender's next message. */
  void startRate() {
    rateFirstSeq = nextSeq;
  }

  private void writeMessage(ByteBuf out, int seq, long sentNanos) {
    MessageText.write(text, run.size, senderIndex, seq, sentNanos);
    run.target.writeMessage(out, text, run.size);
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
}
