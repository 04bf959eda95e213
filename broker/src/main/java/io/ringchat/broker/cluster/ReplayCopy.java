package io.ringchat.broker.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.ringchat.broker.room.KeptLines;
import io.ringchat.broker.room.Outbound;
import io.ringchat.broker.room.ReplayWriter;
import io.ringchat.broker.stats.BrokerCounters;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * A broker's copy of the room's history, kept from its egress ({@link ClusterWire#KEEP}: every
 * message the room keeps reaches every broker once), from which the broker serves its own members'
 * replays ({@link ClusterWire#REPLAY}). A replay so costs the cluster one small entry, never the
 * lines themselves: a burst of history through the egress the room keeps for resends would push out
 * what other members of the broker still need.
 *
 * <p>The copy holds an unbroken run of the newest messages, within the broker's own {@code
 * --history} and {@code --history-bytes}. When the broker's session starts, the messages before it
 * are asked of the room in parts ({@link ClusterWire#FILL}, one part at a time, each a bounded
 * answer), while the live ones are held beside them; when the two meet, they are one run again. A
 * seq that does not follow the last (egress lost for good) starts the run afresh. It never guesses:
 * what it does not hold of a {@code SINCE} replay is a {@code GAP}.
 *
 * <p>A replay asked for while the copy fills waits for the fill ({@link #waits}): served at once it
 * would have to call a {@code GAP} what the fill is about to bring, though the room keeps it (the
 * members of a broker whose session was new reconnect then, all at once). What the room writes to
 * that member meanwhile is held behind its replay ({@link #hold}), up to the smaller of {@code
 * --history-bytes} (the most a replay itself can be) and {@code --max-pending} (the unsent bytes a
 * member may have: once written, what was held counts toward it); past that, or if the room closes
 * the member, its replay is served from what the copy holds then, as it would have been at once. A
 * member that disconnects, or that its broker closes, is {@link #forget forgotten}.
 *
 * <p>The link's thread only.
 */
final class ReplayCopy {
  private final ByteBufAllocator alloc;
  private final Outbound out;
  private final ReplayWriter replays;

  /** The copy: older lines as they are filled, then live ones once the fill is done. */
  private final Run held;

  /**
   * While filling: the live lines since the session started, joined to {@link #held} at the end.
   */
  private final Run live;

  private boolean filling;

  /** Lines in the part being answered. */
  private int partLines;

  /** The replays asked for during the fill, by connection, with what followed each. */
  private final Long2ObjectHashMap<WaitingReplay> waiting = new Long2ObjectHashMap<>();

  /** The most a waiting replay's member may be written meanwhile. */
  private final long maxHeldBytes;

  /**
   * A copy of at most {@code maxLines} lines of {@code maxBytes} ({@code --history}, {@code
   * --history-bytes}) that holds at most {@code maxHeldBytes} for a member whose replay waits for a
   * fill (the smaller of {@code --history-bytes} and {@code --max-pending}).
   */
  ReplayCopy(
      ByteBufAllocator alloc,
      int maxLines,
      long maxBytes,
      long maxHeldBytes,
      Outbound out,
      BrokerCounters counters) {
    this.alloc = alloc;
    this.out = out;
    this.replays = new ReplayWriter(alloc, out, counters);
    this.held = new Run(new KeptLines(alloc, maxLines, maxBytes));
    this.live = new Run(new KeptLines(alloc, maxLines, maxBytes));
    this.maxHeldBytes = maxHeldBytes;
  }

  /** A replay asked for during the fill, and what the member was written after it meanwhile. */
  private static final class WaitingReplay {
    final long from;
    final long to;
    final boolean since;
    CompositeByteBuf after;
    boolean close;

    WaitingReplay(long from, long to, boolean since) {
      this.from = from;
      this.to = to;
      this.since = since;
    }

    long heldBytes() {
      return after == null ? 0 : after.readableBytes();
    }

    void release() {
      if (after != null) {
        after.release();
        after = null;
      }
    }
  }

  /** An unbroken run of kept lines and the seq of its newest (-1: none). */
  private static final class Run {
    final KeptLines lines;
    long newest = -1;

    Run(KeptLines lines) {
      this.lines = lines;
    }

    long first() {
      return newest < 0 ? Long.MAX_VALUE : lines.firstSeq(newest);
    }

    boolean isEmpty() {
      return newest < 0 || lines.lines() == 0;
    }

    /** Appends line {@code seq}, starting afresh if it does not follow; false if held already. */
    boolean add(long seq, ByteBuf src, int offset, int length) {
      if (seq <= newest) {
        return false;
      }
      if (seq != newest + 1) {
        lines.clear();
      }
      lines.keep(src, offset, length);
      newest = seq;
      return true;
    }

    void clear() {
      lines.clear();
      newest = -1;
    }
  }

  /**
   * The room kept message {@code seq}, bytes {@code [offset, offset + length)} of {@code src}
   * (copied). Returns the seq of the newest live line held before it (-1: none).
   */
  long keep(long seq, ByteBuf src, int offset, int length) {
    Run run = filling ? live : held;
    // The first live line of a fill follows what the copy held (a fill after lost egress).
    long before = filling && live.isEmpty() ? held.newest : run.newest;
    run.add(seq, src, offset, length);
    return before;
  }

  /**
   * The broker's session started: the copy is filled from the room, from the message after the
   * newest it holds. Returns the seq to ask for first ({@link ClusterWire#FILL}).
   */
  long startFill() {
    filling = true;
    partLines = 0;
    live.clear();
    return held.newest < 0 ? 1 : held.newest + 1;
  }

  /** Whether a fill is going on. */
  boolean filling() {
    return filling;
  }

  /** An older message, from a part of a fill ({@link ClusterWire#FILL_LINE}). */
  void fillLine(long seq, ByteBuf src, int offset, int length) {
    if (filling) {
      partLines++;
      held.add(seq, src, offset, length);
    }
  }

  /**
   * The end of a part, made where the room's newest seq was {@code roomNewest}. Returns the seq to
   * ask for next, or -1 when the copy is whole again (or can get no further).
   */
  long fillEnd(long roomNewest) {
    if (!filling) {
      return -1;
    }
    int lines = partLines;
    partLines = 0;
    if (!live.isEmpty() && held.newest + 1 >= live.first()) {
      join();
      return -1;
    }
    if (live.isEmpty() && held.newest >= roomNewest) {
      filled(); // caught up with a room that said nothing since the session started
      return -1;
    }
    if (lines == 0) {
      // The room holds nothing more before the live lines: what lies between is gone.
      if (!live.isEmpty()) {
        held.clear();
        join();
      } else {
        filled();
      }
      return -1;
    }
    return held.newest + 1; // (a part that brought nothing new answered a request sent twice)
  }

  /** The live lines join the held ones: those the fill did not already bring. */
  private void join() {
    long seq = live.first();
    long after = held.newest;
    long[] next = {seq};
    live.lines.forEachLine(
        (chunk, offset, length) -> {
          long s = next[0]++;
          if (s > after) {
            held.add(s, chunk, offset, length);
          }
        });
    live.clear();
    filled();
  }

  /** The fill is over: the replays that waited for it are served, each before what followed it. */
  private void filled() {
    filling = false;
    if (!waiting.isEmpty()) {
      waiting.forEach(this::serve);
      waiting.clear();
    }
  }

  /** Serves {@code connection}'s replay from what the copy holds now, then what followed it. */
  private void serve(long connection, WaitingReplay replay) {
    serveNow(connection, replay.from, replay.to, replay.since);
    CompositeByteBuf after = replay.after;
    replay.after = null;
    if (after != null && replay.close) {
      out.writeAndClose(connection, after);
    } else if (after != null) {
      out.write(connection, after);
    }
  }

  /**
   * Writes bytes {@code [offset, offset + length)} of {@code shared} (the caller keeps its
   * reference) to {@code connection}, then closes it if {@code close}: behind its replay if that
   * waits for the fill ({@link #hold}), else at once.
   */
  void write(long connection, ByteBuf shared, int offset, int length, boolean close) {
    if (waits(connection)) {
      hold(connection, shared, offset, length, close);
    } else if (close) {
      out.writeAndClose(connection, shared.retainedSlice(offset, length));
    } else {
      out.write(connection, shared, offset, length);
    }
  }

  /**
   * Whether {@code connection}'s replay waits for the fill: what it is written goes to {@link
   * #hold}.
   */
  boolean waits(long connection) {
    return !waiting.isEmpty() && waiting.containsKey(connection);
  }

  /**
   * Holds bytes {@code [offset, offset + length)} of {@code shared} (retained) for {@code
   * connection}, whose replay {@link #waits}, behind the replay; then, if {@code close}, closes the
   * connection after it. Past what it may hold, or with {@code close}, its replay is served now.
   */
  void hold(long connection, ByteBuf shared, int offset, int length, boolean close) {
    WaitingReplay replay = waiting.get(connection);
    if (replay.after == null) {
      replay.after = alloc.compositeDirectBuffer(Integer.MAX_VALUE);
    }
    replay.after.addComponent(true, shared.retainedSlice(offset, length));
    replay.close = close;
    if (close || replay.heldBytes() > maxHeldBytes) {
      waiting.remove(connection);
      serve(connection, replay);
    }
  }

  /**
   * {@code connection} is gone, or its broker closes it: its waiting replay and what was held
   * behind it are dropped, not served. A member that comes back asks again from the last line it
   * read; served now, the replay would call a {@code GAP} what the fill was about to bring.
   */
  void forget(long connection) {
    if (!waiting.isEmpty()) {
      WaitingReplay replay = waiting.remove(connection);
      if (replay != null) {
        replay.release();
      }
    }
  }

  /**
   * Writes {@code connection}'s replay of {@code from} to {@code to} (the room's newest at its
   * join) from this copy: the lines it holds, oldest first, after a {@code GAP} for what it does
   * not hold when the member asked {@code since}, then {@code REPLAYED n}.
   */
  void replay(long connection, long from, long to, boolean since) {
    if (filling) {
      waiting.put(connection, new WaitingReplay(from, to, since));
      return;
    }
    serveNow(connection, from, to, since);
  }

  private void serveNow(long connection, long from, long to, boolean since) {
    // Served during a fill (its member held too much meanwhile), the live lines may be the only
    // ones at or after the room's newest at the join.
    Run run = filling && live.newest >= to ? live : held;
    ByteBuf head = alloc.buffer(64);
    if (run.newest < to) {
      // Not at the room's newest (egress lost and not yet caught up): it cannot tell which of
      // these it holds, so none is replayed.
      replays.writeNone(connection, head, from, to, since);
      return;
    }
    replays.write(connection, head, run.lines, from, to, run.newest, since);
  }

  /** The seq of the newest line held; -1 before the first. */
  long newest() {
    return filling && !live.isEmpty() ? live.newest : held.newest;
  }

  /** Lines held now (the copy's run, not counting live lines held beside it during a fill). */
  int lines() {
    return held.lines.lines();
  }

  /** Lets go of every line (the broker is stopping). */
  void close() {
    waiting.forEach((connection, replay) -> replay.release());
    waiting.clear();
    held.clear();
    live.clear();
    filling = false;
  }
}
