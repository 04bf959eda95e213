package io.ringchat.broker.cluster;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.LongConsumer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A broker's ingress to the room: the events of one ring batch become one numbered {@link
 * ClusterWire#EVENTS} message (several, each within the largest message Aeron takes, if the batch
 * is bigger than that), kept until the room acknowledges it, offered in order, and offered again
 * from the first unacknowledged one when a new leader appears or when an acknowledgement is late
 * (the room applies each number once, in order). It also holds: while no leader answers for longer
 * than the hold, the SENDs waiting are refused ({@code ERR unavailable}) and taken out of what is
 * resent, and new SENDs are refused at once until egress arrives again; joins, leaves and
 * disconnects wait on, to be ordered later.
 *
 * <p>Each kept message carries an index of its events (kind, connection, where it starts), written
 * as it was encoded: the hold and a lost session act on the index, and nothing here reads its own
 * bytes back.
 *
 * <p>The link's thread only.
 */
final class IngressSequencer {
  private final NanoClock clock;
  private final long holdNs;
  private final long resendNs;
  private final LongConsumer refuse;
  private final int maxMessageBytes;
  private final RoundTripTracer tracer;
  private final ArrayDeque<SentIngress> unacked = new ArrayDeque<>();
  private final ExpandableArrayBuffer batch = new ExpandableArrayBuffer(64 * 1024);
  private int batchLength = EventsFlyweight.HEADER_LENGTH;
  private int batchCount;
  private byte[] kinds = new byte[64];
  private long[] connections = new long[64];
  private int[] starts = new int[64];
  private long seq;

  /** Messages from this one on (in {@link #unacked}) have not been offered to this leader yet. */
  private int unsent;

  /** When a leader last answered (egress arrived); the hold counts from here. */
  private long answeredNs;

  /** No leader for longer than the hold: SENDs are refused. */
  private boolean unavailable;

  /**
   * @param resendNs how long an offered message may go unacknowledged before it is offered again
   * @param refuse answers one SEND with {@code ERR unavailable}
   * @param maxMessageBytes the largest message to offer (Aeron refuses one over an eighth of the
   *     term); one event must fit ({@link ClusterContext#conclude()} checks the longest line does)
   * @param tracer which messages to trace through the room, stamped when first offered
   */
  IngressSequencer(
      NanoClock clock,
      long holdNs,
      long resendNs,
      LongConsumer refuse,
      int maxMessageBytes,
      RoundTripTracer tracer) {
    this.clock = clock;
    this.tracer = tracer;
    this.holdNs = holdNs;
    this.resendNs = resendNs;
    this.refuse = refuse;
    this.maxMessageBytes = maxMessageBytes;
    this.answeredNs = clock.nanoTime();
  }

  /** Adds an event with {@code detail} (its readable bytes; null: none) to the batch. */
  void add(byte kind, long connection, ByteBuf detail) {
    if (kind == ClusterWire.SEND && unavailable) {
      refuse.accept(connection);
      return;
    }
    int length = detail == null ? EventsFlyweight.NO_DETAIL : detail.readableBytes();
    int at = index(kind, connection, length);
    if (detail != null) {
      batch.checkLimit(at + length); // straight into the array: no NIO view made per event
      detail.getBytes(detail.readerIndex(), batch.byteArray(), at, length);
    }
  }

  /** Adds an event without detail (a WHO, a LEAVE, a disconnect). */
  void add(byte kind, long connection) {
    add(kind, connection, (ByteBuf) null);
  }

  /** Adds an event whose detail is {@code detail}. */
  void add(byte kind, long connection, byte[] detail) {
    batch.putBytes(index(kind, connection, detail.length), detail);
  }

  private int index(byte kind, long connection, int detailLength) {
    if (batchCount > 0
        && batchLength + EventsFlyweight.eventLength(detailLength) > maxMessageBytes) {
      seal(); // a big ring batch goes as several messages, in order
    }
    if (batchCount == kinds.length) {
      kinds = Arrays.copyOf(kinds, batchCount * 2);
      connections = Arrays.copyOf(connections, batchCount * 2);
      starts = Arrays.copyOf(starts, batchCount * 2);
    }
    kinds[batchCount] = kind;
    connections[batchCount] = connection;
    starts[batchCount] = batchLength;
    batchCount++;
    int at = EventsFlyweight.putEvent(batch, batchLength, kind, connection, detailLength);
    batchLength += EventsFlyweight.eventLength(detailLength);
    return at;
  }

  /** The ring batch ended: its events, if any, become the next numbered message. */
  void seal() {
    if (batchCount == 0) {
      return;
    }
    seq++;
    EventsFlyweight.putHeader(batch, seq, batchCount);
    byte[] bytes = new byte[batchLength];
    batch.getBytes(0, bytes);
    long now = clock.nanoTime();
    SentIngress sent =
        new SentIngress(
            seq,
            now,
            new UnsafeBuffer(bytes),
            Arrays.copyOf(kinds, batchCount),
            Arrays.copyOf(connections, batchCount),
            Arrays.copyOf(starts, batchCount));
    sent.traced = tracer.due(now);
    unacked.add(sent);
    batchLength = EventsFlyweight.HEADER_LENGTH;
    batchCount = 0;
  }

  /**
   * Offers what this leader has not had yet, in order; stops at back pressure (tried again at the
   * next call). Returns whether anything was taken.
   */
  boolean sendUnsent(Offer offer) {
    if (unsent >= unacked.size()) {
      return false;
    }
    Iterator<SentIngress> it = unacked.iterator();
    for (int i = 0; i < unsent; i++) {
      it.next();
    }
    boolean any = false;
    long now = clock.nanoTime();
    while (it.hasNext()) {
      SentIngress sent = it.next();
      if (sent.traced && sent.tracedAt == 0) {
        sent.tracedAt = tracer.offered(now, now - sent.madeNs);
        EventsFlyweight.putTracedAt(sent.bytes, sent.tracedAt);
      }
      if (!offer.offer(sent.bytes, 0, sent.bytes.capacity())) {
        break;
      }
      sent.offeredNs = now;
      any = true;
      unsent++;
    }
    return any;
  }

  /** A leader answered: egress arrived, acknowledging every message up to {@code ack}. */
  void answered(long ack) {
    answeredNs = clock.nanoTime();
    unavailable = false;
    while (!unacked.isEmpty() && unacked.peekFirst().seq <= ack) {
      unacked.pollFirst();
      if (unsent > 0) {
        unsent--;
      }
    }
  }

  /** A new leader: it may not have what the old one took, so everything is offered again. */
  void resendAll() {
    unsent = 0;
  }

  /**
   * The oldest message offered has gone unacknowledged for longer than the resend time: it is
   * offered again with everything after it. A consensus module drops, without a word, ingress
   * stamped with a term other than its own, ingress that arrives while it does not lead, and
   * ingress for a session it does not hold open; a new leader is announced to the broker (which
   * then offers everything again), but a message can be dropped in the moments around an election
   * without one more announcement to follow it. Nothing else tells the broker, and the room, which
   * applies a broker's messages only in order, waits for it. Also heals a lost last egress message:
   * the acknowledgement of a repeat arrives under the next egress number, and the egress reader
   * asks for the one missed. Returns whether it resent.
   */
  boolean checkResend() {
    if (unsent == 0 || clock.nanoTime() - unacked.peekFirst().offeredNs < resendNs) {
      return false;
    }
    unsent = 0;
    return true;
  }

  /**
   * No leader has answered for longer than the hold while messages wait: each waiting SEND is
   * refused, and the rest (joins, leaves, disconnects) waits on, to be ordered once a leader is
   * back.
   *
   * <p>One case this cannot tell apart: a leader that ordered a message and died before its
   * acknowledgement went out, with no new leader within the hold. That message was delivered, yet
   * its sender is told it was not. Telling it apart needs an answer from a leader, which is exactly
   * what is missing.
   */
  void checkHold() {
    long now = clock.nanoTime();
    if (unavailable
        || unacked.isEmpty()
        || now - unacked.peekFirst().madeNs < holdNs
        || now - answeredNs < holdNs) {
      return;
    }
    unavailable = true;
    for (SentIngress sent : unacked) {
      withoutSends(sent);
    }
    unsent = 0;
  }

  /** Takes {@code sent}'s SENDs out (each refused), copying the other events by the index. */
  private void withoutSends(SentIngress sent) {
    int events = sent.kinds.length;
    ExpandableArrayBuffer kept = new ExpandableArrayBuffer(sent.bytes.capacity());
    byte[] keptKinds = new byte[events];
    long[] keptConnections = new long[events];
    int[] keptStarts = new int[events];
    int length = EventsFlyweight.HEADER_LENGTH;
    int count = 0;
    for (int i = 0; i < events; i++) {
      if (sent.kinds[i] == ClusterWire.SEND) {
        refuse.accept(sent.connections[i]);
        continue;
      }
      int size = sent.end(i) - sent.starts[i];
      kept.putBytes(length, sent.bytes, sent.starts[i], size);
      keptKinds[count] = sent.kinds[i];
      keptConnections[count] = sent.connections[i];
      keptStarts[count] = length;
      length += size;
      count++;
    }
    EventsFlyweight.putHeader(kept, sent.seq, count);
    EventsFlyweight.putTracedAt(kept, sent.tracedAt); // 0 if not traced, or not offered yet
    byte[] bytes = new byte[length];
    kept.getBytes(0, bytes);
    sent.bytes = new UnsafeBuffer(bytes);
    sent.kinds = Arrays.copyOf(keptKinds, count);
    sent.connections = Arrays.copyOf(keptConnections, count);
    sent.starts = Arrays.copyOf(keptStarts, count);
  }

  /** Whether SENDs are being refused: no leader for longer than the hold. */
  boolean unavailable() {
    return unavailable;
  }

  /**
   * Calls {@code action} with each connection whose request waits for an answer that, if this
   * session is lost, will never come (every event but a disconnect).
   */
  void forEachWaiting(LongConsumer action) {
    for (SentIngress sent : unacked) {
      for (int i = 0; i < sent.kinds.length; i++) {
        if (sent.kinds[i] != ClusterWire.DISCONNECTED) {
          action.accept(sent.connections[i]);
        }
      }
    }
  }

  /**
   * The session is lost: what waits will never be answered (its connections are told), and the next
   * session numbers from 1 again. What the ring brings meanwhile waits for that session.
   */
  void restart() {
    tracer.restart();
    unacked.clear();
    unsent = 0;
    seq = 0;
  }

  /** A new session is up: the hold counts from now, and SENDs are taken again. */
  void sessionStarted() {
    answeredNs = clock.nanoTime();
    unavailable = false;
  }

  /** How many messages wait for an acknowledgement (while any do, the link expects egress). */
  int waiting() {
    return unacked.size();
  }
}
