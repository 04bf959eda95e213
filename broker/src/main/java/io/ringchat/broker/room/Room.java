package io.ringchat.broker.room;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.JoinPosition;
import io.ringchat.protocol.Name;
import io.ringchat.protocol.PostLines;
import io.ringchat.protocol.ServerFrames;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * The room: a deterministic state machine over connection ids. It takes one typed call per client
 * request or connection event ({@link #onJoin}, {@link #onSend}, ...), decides every join, leave
 * and delivery, builds each outbound frame once, and emits its output to an {@link Outbound} keyed
 * by connection id. It knows nothing of sockets, threads or rings: the same calls always give the
 * same output, which is what lets the unit tests drive it directly and lets a replicated log drive
 * it the same way on several machines.
 *
 * <p>A connection's requests are handled in the order it made them; a connection that closed is
 * forgotten at {@link #onDisconnect}. Writes to a connection that closed before the writer got to
 * them are dropped by the writer.
 *
 * <p>Protocol version 1.1: the room numbers every accepted {@code SEND} (seq 1, 2, ... in its one
 * order, under an epoch it is given), keeps the newest as their {@code POST} lines ({@link
 * KeptLines}) and replays them to members that join with {@code HISTORY} or {@code SINCE}. Such
 * positioned members get {@code POST} and {@code SENT} through a broadcast of their own; the time
 * of each message comes from a clock the room is given ({@link HistoryOptions}).
 *
 * <p>Room thread only: every method runs on the thread that first called the room (asserted).
 */
public final class Room {
  /** Segments stop growing here; 64 KiB is many lines per write yet small for a socket buffer. */
  public static final int MAX_SEGMENT_BYTES = 64 * 1024;

  private final ConfinedThread thread = new ConfinedThread("the room");
  private final ByteBufAllocator alloc;
  private final Outbound out;
  private final BrokerCounters counters;
  private final int presenceLimit;
  private final int maxLineBytes;
  private final int maxSegmentBytes;
  private final Members members = new Members();
  private final Broadcast broadcast;

  /** The broadcast in the positioned encoding ({@code POST}, {@code SENT}). */
  private final Broadcast posts;

  private final KeptLines kept;
  private final ReplayWriter replays;

  /** Encodes each numbered message's POST and SENT lines. */
  private final PostLines postLines = new PostLines();

  private String epoch;
  private byte[] epochBytes;
  private final LongSupplier clock;

  /** The seq of the newest message (0: none yet), and the time it was ordered at. */
  private long lastSeq;

  private long lastMillis;
  private int positionedCount;

  /** Where a kept POST line is encoded when no positioned member is there to be sent it. */
  private ByteBuf scratch;

  private boolean shuttingDown;

  /**
   * @param presenceLimit JOINED and LEFT are sent only while the room has at most this many
   *     members, the member joining or leaving included; 0 turns them off
   * @param maxLineBytes the line limit, quoted in {@code too_long} errors
   */
  public Room(
      ByteBufAllocator alloc,
      Outbound out,
      BrokerCounters counters,
      int presenceLimit,
      int maxLineBytes) {
    this(alloc, out, counters, presenceLimit, maxLineBytes, MAX_SEGMENT_BYTES);
  }

  /**
   * As above, with the segment size limit; 1 turns coalescing off (one segment per line), for the
   * benchmarks that measure what coalescing is worth.
   */
  public Room(
      ByteBufAllocator alloc,
      Outbound out,
      BrokerCounters counters,
      int presenceLimit,
      int maxLineBytes,
      int maxSegmentBytes) {
    this(alloc, out, counters, presenceLimit, maxLineBytes, maxSegmentBytes, HistoryOptions.NONE);
  }

  /** As above, with the numbering and history of protocol version 1.1. */
  public Room(
      ByteBufAllocator alloc,
      Outbound out,
      BrokerCounters counters,
      int presenceLimit,
      int maxLineBytes,
      int maxSegmentBytes,
      HistoryOptions history) {
    this.alloc = alloc;
    this.out = out;
    this.counters = counters;
    this.presenceLimit = presenceLimit;
    this.maxLineBytes = maxLineBytes;
    this.maxSegmentBytes = maxSegmentBytes;
    this.broadcast = new Broadcast(alloc, maxSegmentBytes);
    this.posts = new Broadcast(alloc, maxSegmentBytes, true);
    this.kept = new KeptLines(alloc, history.messages(), history.bytes());
    this.replays = new ReplayWriter(alloc, out, counters);
    this.epoch = history.epoch();
    this.epochBytes = epoch.getBytes(StandardCharsets.US_ASCII);
    this.clock = history.clock();
  }

  /**
   * Sets the room's numbering: its epoch, the seq of its newest message and the time that message
   * was ordered at. A clustered room names its epoch from its log once, and a snapshot restores all
   * three; the kept lines follow ({@link #restoreKept}).
   */
  public void numbering(String epoch, long lastSeq, long lastMillis) {
    assert thread.check();
    if (!JoinPosition.isEpoch(epoch) || lastSeq < 0) {
      throw new IllegalArgumentException("not a numbering: " + epoch + ":" + lastSeq);
    }
    this.epoch = epoch;
    this.epochBytes = epoch.getBytes(StandardCharsets.US_ASCII);
    this.lastSeq = lastSeq;
    this.lastMillis = lastMillis;
  }

  /** The room's epoch. */
  public String epoch() {
    assert thread.check();
    return epoch;
  }

  /** The time the newest message was ordered at (0 when none yet). */
  public long lastMillis() {
    assert thread.check();
    return lastMillis;
  }

  /**
   * Keeps {@code line} (a {@code POST} line, copied) as the next kept message after those restored
   * so far; the last restored is the room's newest ({@link #numbering}), oldest first.
   */
  public void restoreKept(ByteBuf line) {
    assert thread.check();
    kept.keep(line, line.readerIndex(), line.readableBytes());
    counters.history(kept.lines(), kept.bytes());
  }

  /**
   * The kept lines from seq {@code from} on, oldest first, within {@code maxBytes} (at least one),
   * borrowed for the call (a part of the history for a broker's copy). Returns how many.
   */
  public int forEachKeptFrom(long from, long maxBytes, KeptLines.SeqLineVisitor visitor) {
    assert thread.check();
    return kept.forEachFrom(from, lastSeq, maxBytes, visitor);
  }

  /** Each kept line, oldest first, borrowed for the call (for a snapshot). */
  public void forEachKept(KeptLines.LineVisitor visitor) {
    assert thread.check();
    kept.forEachLine(visitor);
  }

  /** {@code JOIN name} from {@code connection}. */
  public void onJoin(long connection, Name name) {
    onJoin(connection, name, null);
  }

  /**
   * {@code JOIN name}, or a positioned {@code JOIN name HISTORY n} / {@code JOIN name SINCE
   * epoch:seq} when {@code position} is not null: the member then gets its {@code WELCOME} with the
   * room's position, the replay, and {@code POST} lines from then on.
   */
  public void onJoin(long connection, Name name, JoinPosition position) {
    assert thread.check();
    if (shuttingDown) {
      return;
    }
    if (members.byConnection(connection) != null) {
      error(connection, ErrorCode.ALREADY_JOINED);
      return;
    }
    if (position != null
        && position.isSince()
        && position.epoch().equals(epoch)
        && position.since() > lastSeq) {
      reply(
          connection,
          ServerFrames.encodeErr(
              alloc,
              ErrorCode.BAD_COMMAND,
              "position "
                  + epoch
                  + ":"
                  + position.since()
                  + " is newer than this room's last message, "
                  + epoch
                  + ":"
                  + lastSeq));
      counters.error(ErrorCode.BAD_COMMAND);
      return;
    }
    if (members.contains(name)) {
      reply(connection, ServerFrames.encodeErr(alloc, ErrorCode.NAME_TAKEN, nameTakenText(name)));
      counters.error(ErrorCode.NAME_TAKEN);
      return;
    }
    closeBroadcasts();
    Member member = members.add(connection, name);
    int count = members.size();
    counters.members(count);
    out.joined(connection);
    if (position == null) {
      out.write(connection, ServerFrames.encodeWelcome(alloc, member.nameBytes(), count));
    } else {
      member.positioned = true;
      positionedCount++;
      out.write(
          connection,
          ServerFrames.encodeWelcome(alloc, member.nameBytes(), count, epochBytes, lastSeq));
      replay(connection, position);
    }
    if (count <= presenceLimit) {
      presenceLine(member, member.nameBytes(), true);
      counters.delivered(count - 1L);
    }
  }

  /**
   * What a positioned join gets after its WELCOME: any {@code GAP}, the kept lines it asked for,
   * oldest first, and {@code REPLAYED n}. The kept lines go as slices of the history's own memory,
   * written as the member drains ({@link Outbound#writeReplay}); the live lines that follow are
   * queued after them, so the replay and the live stream meet at this point of the room's order.
   */
  private void replay(long connection, JoinPosition position) {
    ByteBuf head = alloc.buffer(64);
    long from;
    if (!position.isSince()) {
      from = lastSeq - Math.min(position.history(), lastSeq) + 1;
    } else if (!position.epoch().equals(epoch)) {
      ServerFrames.writeGapUnknown(head);
      counters.gap();
      from = lastSeq + 1;
    } else {
      from = position.since() + 1;
    }
    if (from <= lastSeq && out.servesReplays()) {
      // The writers serve the replay from their own copy: only its range goes to them.
      head.release();
      out.replayFromCopy(connection, from, lastSeq, position.isSince());
      return;
    }
    replays.write(connection, head, kept, from, lastSeq, position.isSince());
  }

  /** {@code SEND text} from {@code connection}; the text is borrowed for the call. */
  public void onSend(long connection, ByteBuf text) {
    assert thread.check();
    if (shuttingDown) {
      return;
    }
    Member sender = members.byConnection(connection);
    if (sender == null) {
      error(connection, ErrorCode.NOT_JOINED);
      return;
    }
    long seq = ++lastSeq;
    boolean plainLine = members.size() - positionedCount - (sender.positioned ? 0 : 1) > 0;
    if (plainLine) {
      broadcast.appendMessage(sender, text, members, out);
    }
    // Writers with copies of the history get the line they are sent anyway: the MSG line if there
    // is one, else the POST line (a line the room encodes for nobody else if need be).
    boolean copies = kept.keeps() && out.servesReplays();
    if (positionedCount > 0 || (copies && !plainLine)) {
      posts.appendPost(sender, postLines.stage(seq, stamp()), text, members, out);
      keep(posts.segment(), posts.lastLineStart(), posts.lastLineEnd());
      if (copies && !plainLine) {
        int start = posts.lastLineStart();
        out.kept(seq, posts.segment(), start, posts.lastLineEnd() - start);
      }
    } else if (kept.keeps()) {
      ByteBuf line = scratch();
      postLines.stage(seq, stamp()).writePost(line, sender.nameBytes(), text);
      keep(line, 0, line.writerIndex());
    }
    if (copies && plainLine) {
      int start = broadcast.lastLineStart();
      out.keptMessage(seq, lastMillis, broadcast.segment(), start, broadcast.lastLineEnd() - start);
    }
    counters.delivered(members.size() - 1L);
  }

  /** The time of the message being ordered: the clock's, never before the last one handed out. */
  private long stamp() {
    long now = clock.getAsLong();
    if (now > lastMillis) {
      lastMillis = now;
    }
    return lastMillis;
  }

  /** Keeps the message just ordered, if the room keeps any. */
  private void keep(ByteBuf line, int from, int to) {
    if (kept.keeps()) {
      kept.keep(line, from, to - from);
      counters.history(kept.lines(), kept.bytes());
    }
  }

  private ByteBuf scratch() {
    if (scratch == null) {
      scratch = alloc.heapBuffer(1024);
    }
    return scratch.clear();
  }

  /** {@code WHO} from {@code connection}. */
  public void onWho(long connection) {
    assert thread.check();
    if (shuttingDown) {
      return;
    }
    if (members.byConnection(connection) == null) {
      error(connection, ErrorCode.NOT_JOINED);
      return;
    }
    // In frames of at most a segment's size, in order: a clustered room sends each frame to the
    // member's broker as one egress message, which must fit Aeron's largest (an eighth of the
    // egress term), and a room of 30,000 members lists half a megabyte.
    int count = members.size();
    ByteBuf list = null;
    for (int i = 0; i < count; i++) {
      byte[] name = members.get(i).nameBytes();
      list =
          frameWithRoom(connection, list, name.length + WHO_LINE_OVERHEAD, (count - i) * 24 + 16);
      ServerFrames.writeMember(list, name);
    }
    list = frameWithRoom(connection, list, WHO_LINE_OVERHEAD, WHO_LINE_OVERHEAD);
    ServerFrames.writeMembers(list, count);
    reply(connection, list);
  }

  /** {@code MEMBER } and the line end around a name; {@code MEMBERS <count>} and its line end. */
  private static final int WHO_LINE_OVERHEAD = 24;

  /**
   * {@code frame} if {@code bytes} more keep it within a segment; else a new frame (of {@code
   * sizeHint} bytes, at most a segment), once {@code frame}, if any, has gone to {@code
   * connection}.
   */
  private ByteBuf frameWithRoom(long connection, ByteBuf frame, int bytes, int sizeHint) {
    if (frame != null && frame.writerIndex() + bytes <= maxSegmentBytes) {
      return frame;
    }
    if (frame != null) {
      reply(connection, frame);
    }
    return alloc.buffer(Math.min(sizeHint, maxSegmentBytes));
  }

  /** {@code PING} from {@code connection}, with its token (borrowed) or null. */
  public void onPing(long connection, ByteBuf token) {
    assert thread.check();
    if (shuttingDown) {
      return;
    }
    reply(connection, ServerFrames.encodePong(alloc, token));
  }

  /** {@code LEAVE} from {@code connection}: it gets {@code BYE} and is closed. */
  public void onLeave(long connection) {
    assert thread.check();
    if (shuttingDown) {
      return;
    }
    Member member = members.byConnection(connection);
    if (member != null) {
      removeMember(member);
    }
    out.writeAndClose(connection, ServerFrames.encodeBye(alloc));
  }

  /** A line from {@code connection} that the I/O side refused, for the reason {@code code}. */
  public void onReject(long connection, ErrorCode code) {
    assert thread.check();
    if (shuttingDown) {
      return;
    }
    error(connection, code);
  }

  /** {@code connection} is gone (closed by either side): forget it and tell the room. */
  public void onDisconnect(long connection) {
    assert thread.check();
    Member member = shuttingDown ? null : members.byConnection(connection);
    if (member != null) {
      removeMember(member);
    }
  }

  /** {@code connection} was removed as a slow consumer: forget it, tell the room, count it. */
  public void onEvict(long connection) {
    assert thread.check();
    Member member = shuttingDown ? null : members.byConnection(connection);
    if (member != null) {
      removeMember(member);
      counters.slowConsumerRemoved();
    }
  }

  /**
   * The broker is stopping: hand the last writes over now, busy writers or not (the shutdown
   * sequence then queues {@code ERR shutting_down} behind them), and ignore everything after.
   */
  public void onShutdown() {
    assert thread.check();
    shuttingDown = true;
    closeBroadcasts();
    out.handOverAll();
    kept.clear();
    counters.history(0, 0);
    if (scratch != null) {
      scratch.release();
      scratch = null;
    }
  }

  /**
   * The end of a batch of calls (a ring batch). If every writer is still busy with earlier output,
   * keep the broadcast segment open: messages from the next batches join it, and each member later
   * gets one slice for all of them (the writer wakes the room when it is free). Otherwise close the
   * segment and hand the writes over now, so that a quiet room adds no delay.
   */
  public void endBatch() {
    assert thread.check();
    if ((broadcast.isOpen() || posts.isOpen()) && out.allBusy()) {
      return;
    }
    closeBroadcasts();
    out.endOfBatch();
  }

  /** What {@link #forEachMember} hands each member to. */
  @FunctionalInterface
  public interface MemberVisitor {
    /** {@code positioned}: the member joined with HISTORY or SINCE (it gets POST lines). */
    void visit(long connection, String name, boolean positioned);
  }

  /**
   * Each member's connection and name as it was given (for a snapshot of the room: joining them
   * again in this order, positioned or not, with their output discarded, rebuilds the same room).
   */
  public void forEachMember(MemberVisitor visitor) {
    assert thread.check();
    for (int i = 0; i < members.size(); i++) {
      Member member = members.get(i);
      visitor.visit(
          member.connection(),
          new String(member.nameBytes(), StandardCharsets.UTF_8),
          member.positioned);
    }
  }

  /** The number of members. */
  public int memberCount() {
    assert thread.check();
    return members.size();
  }

  /** The room's position: the seq of its newest message (0 when none yet). */
  public long lastSeq() {
    assert thread.check();
    return lastSeq;
  }

  private void removeMember(Member member) {
    int countBefore = members.size();
    closeBroadcasts();
    byte[] name = member.nameBytes();
    members.remove(member);
    if (member.positioned) {
      positionedCount--;
    }
    counters.members(members.size());
    if (countBefore <= presenceLimit) {
      presenceLine(null, name, false);
      counters.delivered(members.size());
    }
  }

  /**
   * {@code JOINED name} or {@code LEFT name} to every member but {@code skip}, through each
   * broadcast that has someone to send it to (presence lines read the same in both encodings).
   */
  private void presenceLine(Member skip, byte[] name, boolean joined) {
    int positioned = positionedCount - (skip != null && skip.positioned ? 1 : 0);
    int plain = members.size() - positionedCount - (skip != null && !skip.positioned ? 1 : 0);
    if (plain > 0) {
      presenceLine(broadcast, skip, name, joined);
    }
    if (positioned > 0) {
      presenceLine(posts, skip, name, joined);
    }
  }

  private void presenceLine(Broadcast to, Member skip, byte[] name, boolean joined) {
    ByteBuf buf = to.beginLine(skip, name.length + 8, members, out);
    if (joined) {
      ServerFrames.writeJoined(buf, name);
    } else {
      ServerFrames.writeLeft(buf, name);
    }
    to.endLine();
  }

  private void closeBroadcasts() {
    broadcast.close(members, out);
    posts.close(members, out);
  }

  private void error(long connection, ErrorCode code) {
    counters.error(code);
    if (code == ErrorCode.TOO_LONG) {
      reply(
          connection,
          ServerFrames.encodeErr(
              alloc,
              code,
              "line longer than "
                  + maxLineBytes
                  + " bytes (the whole line, command word included); it was discarded"));
    } else {
      reply(connection, ServerFrames.encodeErr(alloc, code));
    }
  }

  /** Sends one connection a frame of its own, after everything it was sent before. */
  private void reply(long connection, ByteBuf frame) {
    if ((broadcast.isOpen() || posts.isOpen()) && members.byConnection(connection) != null) {
      closeBroadcasts();
    }
    out.write(connection, frame);
  }

  private static String nameTakenText(Name name) {
    return "the name " + name.display() + " is in use; choose another";
  }
}
