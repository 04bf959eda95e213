package io.ringchat.broker.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.ringchat.broker.room.KeptLines;
import io.ringchat.broker.room.Outbound;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.ServerFrames;

/**
 * A broker's copy of the room's history, kept from its egress ({@link ClusterWire#KEEP}: every
 * message the room keeps reaches every broker once), from which the broker serves its own members'
 * replays ({@link ClusterWire#REPLAY}). A replay so costs the cluster one small entry, never the
 * lines themselves: a burst of history through the egress the room keeps for resends would push out
 * what other members of the broker still need.
 *
 * <p>The copy holds the newest messages it has seen in an unbroken run, within the broker's own
 * {@code --history} and {@code --history-bytes}. It starts with the first message after the
 * broker's session began, and starts afresh at any seq that does not follow the last (egress lost
 * for good): it never guesses, so what it does not hold of a {@code SINCE} replay is a {@code GAP}.
 *
 * <p>The link's thread only.
 */
final class ReplayCopy {
  private final ByteBufAllocator alloc;
  private final KeptLines lines;
  private final Outbound out;
  private final BrokerCounters counters;

  /** The seq of the newest line held; -1 before the first. */
  private long newest = -1;

  ReplayCopy(
      ByteBufAllocator alloc, int maxLines, long maxBytes, Outbound out, BrokerCounters counters) {
    this.alloc = alloc;
    this.lines = new KeptLines(alloc, maxLines, maxBytes);
    this.out = out;
    this.counters = counters;
  }

  /**
   * The room kept message {@code seq}, bytes {@code [offset, offset + length)} of {@code src}
   * (copied). Returns the seq of the newest line held before it (-1: none).
   */
  long keep(long seq, ByteBuf src, int offset, int length) {
    long before = newest;
    if (seq <= newest) {
      return before; // held already
    }
    if (seq != newest + 1) {
      lines.clear(); // not a continuation of what is held: start afresh from this one
    }
    lines.keep(src, offset, length);
    newest = seq;
    return before;
  }

  /**
   * Writes {@code connection}'s replay of {@code from} to {@code to} (the room's newest at its
   * join) from this copy: the lines it holds, oldest first, after a {@code GAP} for what it does
   * not hold when the member asked {@code since}, then {@code REPLAYED n}.
   */
  void replay(long connection, long from, long to, boolean since) {
    ByteBuf head = alloc.buffer(64);
    long first = newest < 0 ? Long.MAX_VALUE : lines.firstSeq(newest);
    if (newest != to) {
      // The copy is not at the room's newest (it lost egress and has not caught up): it cannot
      // tell which of these it holds, so none is replayed.
      first = to + 1;
    }
    if (from < first) {
      long missing = Math.min(first - 1, to);
      if (since) {
        ServerFrames.writeGap(head, from, missing);
        counters.gap();
      }
      from = missing + 1;
    }
    if (from > to) {
      ServerFrames.writeReplayed(head, 0);
      out.write(connection, head);
      return;
    }
    CompositeByteBuf replay = alloc.compositeDirectBuffer(Integer.MAX_VALUE);
    replay.addComponent(true, head);
    int n = lines.replay(from, newest, replay);
    ByteBuf tail = alloc.buffer(24);
    ServerFrames.writeReplayed(tail, n);
    replay.addComponent(true, tail);
    counters.replayed(n);
    out.writeReplay(connection, replay);
  }

  /** The seq of the newest line held; -1 before the first. */
  long newest() {
    return newest;
  }

  /** Lets go of every line (the broker is stopping). */
  void close() {
    lines.clear();
    newest = -1;
  }

  /** Lines held now. */
  int lines() {
    return lines.lines();
  }
}
