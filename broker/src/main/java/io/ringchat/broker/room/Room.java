package io.ringchat.broker.room;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.Name;
import io.ringchat.protocol.ServerFrames;
import java.nio.charset.StandardCharsets;

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
  private final Members members = new Members();
  private final Broadcast broadcast;
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
    this.alloc = alloc;
    this.out = out;
    this.counters = counters;
    this.presenceLimit = presenceLimit;
    this.maxLineBytes = maxLineBytes;
    this.broadcast = new Broadcast(alloc, maxSegmentBytes);
  }

  /** {@code JOIN name} from {@code connection}. */
  public void onJoin(long connection, Name name) {
    assert thread.check();
    if (shuttingDown) {
      return;
    }
    if (members.byConnection(connection) != null) {
      error(connection, ErrorCode.ALREADY_JOINED);
      return;
    }
    if (members.contains(name)) {
      reply(connection, ServerFrames.encodeErr(alloc, ErrorCode.NAME_TAKEN, nameTakenText(name)));
      counters.error(ErrorCode.NAME_TAKEN);
      return;
    }
    broadcast.close(members, out);
    Member member = members.add(connection, name);
    int count = members.size();
    counters.members(count);
    out.joined(connection);
    out.write(connection, ServerFrames.encodeWelcome(alloc, member.nameBytes(), count));
    if (count <= presenceLimit) {
      ByteBuf buf = broadcast.beginLine(member, member.nameBytes().length + 8, members, out);
      ServerFrames.writeJoined(buf, member.nameBytes());
      broadcast.endLine();
      counters.delivered(count - 1L);
    }
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
    broadcast.appendMessage(sender, text, members, out);
    counters.delivered(members.size() - 1L);
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
    int count = members.size();
    ByteBuf list = alloc.buffer(count * 24 + 16);
    for (int i = 0; i < count; i++) {
      ServerFrames.writeMember(list, members.get(i).nameBytes());
    }
    ServerFrames.writeMembers(list, count);
    reply(connection, list);
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
    broadcast.close(members, out);
    out.handOverAll();
  }

  /**
   * The end of a batch of calls (a ring batch). If every writer is still busy with earlier output,
   * keep the broadcast segment open: messages from the next batches join it, and each member later
   * gets one slice for all of them (the writer wakes the room when it is free). Otherwise close the
   * segment and hand the writes over now, so that a quiet room adds no delay.
   */
  public void endBatch() {
    assert thread.check();
    if (broadcast.isOpen() && out.allBusy()) {
      return;
    }
    broadcast.close(members, out);
    out.endOfBatch();
  }

  /** What {@link #forEachMember} hands each member to. */
  @FunctionalInterface
  public interface MemberVisitor {
    void visit(long connection, String name);
  }

  /**
   * Each member's connection and name as it was given (for a snapshot of the room: joining them
   * again in this order, with their output discarded, rebuilds the same room).
   */
  public void forEachMember(MemberVisitor visitor) {
    assert thread.check();
    for (int i = 0; i < members.size(); i++) {
      Member member = members.get(i);
      visitor.visit(member.connection(), new String(member.nameBytes(), StandardCharsets.UTF_8));
    }
  }

  /** The number of members. */
  public int memberCount() {
    assert thread.check();
    return members.size();
  }

  private void removeMember(Member member) {
    int countBefore = members.size();
    broadcast.close(members, out);
    byte[] name = member.nameBytes();
    members.remove(member);
    counters.members(members.size());
    if (countBefore <= presenceLimit) {
      ByteBuf buf = broadcast.beginLine(null, name.length + 6, members, out);
      ServerFrames.writeLeft(buf, name);
      broadcast.endLine();
      counters.delivered(members.size());
    }
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
    if (broadcast.isOpen() && members.byConnection(connection) != null) {
      broadcast.close(members, out);
    }
    out.write(connection, frame);
  }

  private static String nameTakenText(Name name) {
    return "the name " + name.display() + " is in use; choose another";
  }
}
