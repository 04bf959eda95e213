package io.ringchat.broker.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.ringchat.broker.room.Outbound;
import io.ringchat.protocol.PostLines;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A broker's egress from the room, in order: each {@link ClusterWire#OUTPUT} is applied once, to
 * the broker's own connections, through the same {@link Outbound} as a single broker's room. Egress
 * is numbered: a gap (a leader died with some in flight) or a new leader makes it ask for what it
 * missed ({@link ClusterWire#RESYNC}, sent again every so often until egress answers), dropping
 * what arrives early, which comes again after what is missing; a {@link ClusterWire#SKIP} says what
 * the room no longer keeps, and the broker's members are told they missed it.
 *
 * <p>The link's thread only.
 */
final class EgressReader {
  /** What the egress means for the rest of the link. */
  interface Listener {
    /** An output was applied: the room has every ingress message up to {@code ack}. */
    void answered(long ack);

    /** Egress {@code from} to {@code to} is gone for good: this broker's members missed lines. */
    void missed(long from, long to);

    /** A resync was sent (for operators' counts). */
    void resyncSent();

    /** {@code connection} is now a member of the room (its WELCOME is being written). */
    default void joined(long connection) {}

    /**
     * After egress was lost for good ({@link #missed}), the next message the room kept showed which
     * of its messages went with it: {@code from} to {@code to}.
     */
    default void missedMessages(long from, long to) {}

    /** The room's times for a traced ingress message ({@link RoundTripTrace}). */
    default void traced(long offeredAt, long appendedAt, long appliedAt, long doneAt) {}
  }

  private final Outbound out;
  private final ByteBufAllocator alloc;
  private final Listener listener;
  private final ReplayCopy copy;
  private final OutputFlyweight output = new OutputFlyweight();
  private final UnsafeBuffer resync = new UnsafeBuffer(new byte[ControlFlyweights.Resync.LENGTH]);

  /** The number of the last egress message applied. */
  private long lastApplied;

  /** A resync: sent at the next chance, and again while no new egress follows. */
  private final RetriedRequest resyncRequest;

  private final UnsafeBuffer fill =
      new UnsafeBuffer(new byte[ControlFlyweights.HistoryFill.LENGTH]);

  /** A part of the history from {@link #fillFrom} on: asked at the next chance, and again. */
  private final RetriedRequest fillRequest;

  private long fillFrom;

  /** The time of the kept messages given as MSG lines ({@link ClusterWire#KEEP_TIME}). */
  private long keepMillis = -1;

  private final PostLines postLines = new PostLines();
  private final ByteBuf postLine = Unpooled.buffer(1024);

  /** Egress was lost for good: the next kept message tells which messages went with it. */
  private boolean messagesMissed;

  EgressReader(
      Outbound out,
      ByteBufAllocator alloc,
      NanoClock clock,
      long resyncRetryNs,
      Listener listener,
      ReplayCopy copy) {
    this.out = out;
    this.copy = copy;
    this.alloc = alloc;
    this.resyncRequest = new RetriedRequest(clock, resyncRetryNs);
    this.fillRequest = new RetriedRequest(clock, resyncRetryNs);
    this.listener = listener;
  }

  /** One egress message from the session. */
  void onEgress(DirectBuffer buffer, int offset, int length) {
    if (MessageHeader.is(buffer, offset, length, ClusterWire.SKIP)) {
      skipTo(ControlFlyweights.Skip.next(buffer, offset));
    } else if (MessageHeader.is(buffer, offset, length, ClusterWire.OUTPUT)) {
      onOutput(output.wrap(buffer, offset));
    }
    // else another version's or a newer room's message: not this broker's to apply
  }

  private void onOutput(OutputFlyweight message) {
    long number = message.number();
    if (number <= lastApplied) {
      return; // sent again after a resync: applied already
    }
    if (number != lastApplied + 1) {
      requestResync(); // some egress was lost: ask for it; this one comes again after it
      return;
    }
    lastApplied = number;
    resyncRequest.done();
    listener.answered(message.ack());
    apply(message);
  }

  /** Writes an output's lines: its bytes copied once, each entry a slice of them. */
  private void apply(OutputFlyweight message) {
    int bytes = message.bytesLength();
    ByteBuf lines = alloc.buffer(bytes);
    try {
      message.buffer().getBytes(message.bytesOffset(), lines.nioBuffer(0, bytes), bytes);
      lines.writerIndex(bytes);
      int count = message.count();
      int at = message.firstEntry();
      for (int i = 0; i < count; i++, at = OutputFlyweight.nextEntry(at)) {
        long connection = message.connection(at);
        switch (message.op(at)) {
          // Through the copy: a member whose replay waits for its fill gets them behind it.
          case ClusterWire.WRITE ->
              copy.write(connection, lines, message.from(at), message.length(at), false);
          case ClusterWire.WRITE_AND_CLOSE ->
              copy.write(connection, lines, message.from(at), message.length(at), true);
          case ClusterWire.JOINED -> {
            out.joined(connection);
            listener.joined(connection);
          }
          case ClusterWire.KEEP -> kept(connection, lines, message.from(at), message.length(at));
          case ClusterWire.KEEP_TIME -> keepMillis = connection;
          case ClusterWire.KEEP_MSG ->
              keptMessage(connection, lines, message.from(at), message.length(at));
          case ClusterWire.FILL_LINE ->
              copy.fillLine(connection, lines, message.from(at), message.length(at));
          case ClusterWire.FILL_END -> {
            long next = copy.fillEnd(connection);
            if (next >= 0) {
              fillFrom = next;
              fillRequest.askNow();
            } else {
              fillRequest.done();
            }
          }
          case ClusterWire.REPLAY -> {
            int range = message.from(at);
            copy.replay(
                connection,
                ReplayRange.from(lines, range),
                ReplayRange.to(lines, range),
                ReplayRange.since(lines, range));
          }
          case ClusterWire.TRACE -> {
            int trace = message.from(at);
            listener.traced(
                RoundTripTrace.offeredAt(lines, trace),
                RoundTripTrace.appendedAt(lines, trace),
                RoundTripTrace.appliedAt(lines, trace),
                RoundTripTrace.doneAt(lines, trace));
          }
          default -> {
            // a newer room's operation
          }
        }
      }
    } finally {
      lines.release();
    }
  }

  /** Message {@code seq} as its MSG line: its POST line is made from it for the copy. */
  private void keptMessage(long seq, ByteBuf msgLine, int from, int length) {
    if (keepMillis < 0) {
      return; // its time went with lost egress: the copy's run breaks here, and starts again
    }
    ByteBuf line = postLine.clear();
    postLines.stage(seq, keepMillis).writePostFromMsg(line, msgLine, from, length);
    kept(seq, line, 0, line.writerIndex());
  }

  /** Message {@code seq} of the room, for the copy; after lost egress, says what went with it. */
  private void kept(long seq, ByteBuf lines, int from, int length) {
    long before = copy.keep(seq, lines, from, length);
    if (messagesMissed) {
      messagesMissed = false;
      if (before >= 0 && seq > before + 1) {
        listener.missedMessages(before + 1, seq - 1);
      }
    }
  }

  /** The room no longer has the egress after {@link #lastApplied} up to {@code next}. */
  private void skipTo(long next) {
    if (next <= lastApplied + 1) {
      return; // nothing missed after all
    }
    long from = lastApplied + 1;
    lastApplied = next - 1;
    messagesMissed = true;
    keepMillis = -1; // the time of what follows may have gone with it
    listener.missed(from, next - 1);
    if (!copy.filling()) {
      // The copy's run breaks here, but the room may still keep what went with the egress: fill
      // the copy again from the room, so that a later SINCE is replayed what the room keeps.
      startFill();
    }
  }

  /** Asks for what came after {@link #lastApplied}, at the next {@link #sendResync}. */
  void requestResync() {
    resyncRequest.askNow();
  }

  /** Sends the resync wanted, at most every so often while no egress answers it. */
  void sendResync(Offer offer) {
    if (!resyncRequest.due()) {
      return;
    }
    ControlFlyweights.Resync.put(resync, lastApplied);
    resyncRequest.sending();
    if (offer.offer(resync, 0, ControlFlyweights.Resync.LENGTH)) {
      listener.resyncSent();
    } else {
      resyncRequest.askNow();
    }
  }

  /** A new session: the copy of the history is filled from the room, a part at a time. */
  void startFill() {
    fillFrom = copy.startFill();
    fillRequest.askNow();
  }

  /** Asks for the part of the history wanted, again while no part answers it. */
  void sendFill(Offer offer) {
    if (!fillRequest.due()) {
      return;
    }
    ControlFlyweights.HistoryFill.put(fill, fillFrom);
    fillRequest.sending();
    if (!offer.offer(fill, 0, ControlFlyweights.HistoryFill.LENGTH)) {
      fillRequest.askNow();
    }
  }

  /** A new session: its egress is numbered from 1. */
  void restart() {
    lastApplied = 0;
    resyncRequest.done();
    messagesMissed = false;
    keepMillis = -1;
    fillRequest.done(); // the next session fills afresh
  }

  /** The number of the last egress message applied (tests). */
  long lastApplied() {
    return lastApplied;
  }
}
