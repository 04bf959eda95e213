package io.ringchat.broker.room;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.ServerFrames;

/**
 * Writes a positioned join's replay from kept lines, by the one rule of protocol 1.1 that both a
 * room serving its own replays and a cluster broker's copy of the history follow: a {@code SINCE}
 * from before the oldest kept line is told so with a {@code GAP}, a {@code HISTORY} count only gets
 * fewer lines; then the lines, oldest first, as slices of the kept memory written as the member
 * drains ({@link Outbound#writeReplay}), and {@code REPLAYED n}.
 */
public final class ReplayWriter {
  private final ByteBufAllocator alloc;
  private final Outbound out;
  private final BrokerCounters counters;

  public ReplayWriter(ByteBufAllocator alloc, Outbound out, BrokerCounters counters) {
    this.alloc = alloc;
    this.out = out;
    this.counters = counters;
  }

  /**
   * Writes {@code connection}'s replay of {@code from} to {@code newest}, the seq of the newest of
   * {@code lines}, after {@code head} (what the replay begins with, possibly nothing; owned).
   * {@code since}: asked with {@code SINCE}, so what is no longer kept is a {@code GAP}.
   */
  public void write(
      long connection, ByteBuf head, KeptLines lines, long from, long newest, boolean since) {
    write(connection, head, lines, from, newest, newest, since);
  }

  /**
   * As {@link #write(long, ByteBuf, KeptLines, long, long, boolean)}, of {@code from} to {@code to}
   * where {@code newest} (at least {@code to}) is the seq of the newest of {@code lines}: a replay
   * written after newer lines were kept, which the connection gets after it.
   */
  public void write(
      long connection,
      ByteBuf head,
      KeptLines lines,
      long from,
      long to,
      long newest,
      boolean since) {
    long first = lines.firstSeq(newest);
    if (to < first) { // none of from..to is kept any more
      writeNone(connection, head, from, to, since);
      return;
    }
    if (from < first) {
      if (since) {
        ServerFrames.writeGap(head, from, first - 1);
        counters.gap();
      }
      from = first;
    }
    if (from > to) {
      writeNone(connection, head, from, to, since);
      return;
    }
    CompositeByteBuf replay = alloc.compositeDirectBuffer(Integer.MAX_VALUE);
    replay.addComponent(true, head);
    int n = lines.replay(from, to, newest, replay);
    ByteBuf tail = alloc.buffer(24);
    ServerFrames.writeReplayed(tail, n);
    replay.addComponent(true, tail);
    counters.replayed(n);
    out.writeReplay(connection, replay);
  }

  /**
   * Writes a replay of none of {@code from..to} after {@code head} (owned): a {@code GAP} for the
   * range, if it is one and was asked with {@code SINCE}, then {@code REPLAYED 0}.
   */
  public void writeNone(long connection, ByteBuf head, long from, long to, boolean since) {
    if (since && from <= to) {
      ServerFrames.writeGap(head, from, to);
      counters.gap();
    }
    ServerFrames.writeReplayed(head, 0);
    out.write(connection, head);
  }
}
