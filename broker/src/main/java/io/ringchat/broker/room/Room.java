package io.ringchat.broker.room;

import com.lmax.disruptor.EventHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.ringchat.broker.ring.RingEvent;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.Name;
import io.ringchat.protocol.ServerFrames;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The room: the single consumer of the ring and the only code that reads or changes membership.
 * Decides every join, leave and delivery, builds each outbound frame once, and hands the writes of
 * each ring batch to the {@link Outbound} at the end of the batch.
 *
 * <p>Room thread only (the Disruptor's consumer thread, or the test thread in unit tests).
 */
public final class Room implements EventHandler<RingEvent> {
  /** Segments stop growing here; 64 KiB is many lines per write yet small for a socket buffer. */
  public static final int MAX_SEGMENT_BYTES = 64 * 1024;

  private final ByteBufAllocator alloc;
  private final Outbound out;
  private final BrokerCounters counters;
  private final RoomObserver observer;
  private final int presenceLimit;
  private final int maxLineBytes;
  private final Members members = new Members();
  private final Broadcast broadcast;
  private final CountDownLatch stopped = new CountDownLatch(1);
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
      RoomObserver observer,
      int presenceLimit,
      int maxLineBytes) {
    this(alloc, out, counters, observer, presenceLimit, maxLineBytes, MAX_SEGMENT_BYTES);
  }

  /**
   * As above, with the segment size limit; 1 turns coalescing off (one segment per line), for the
   * benchmarks that measure what coalescing is worth.
   */
  public Room(
      ByteBufAllocator alloc,
      Outbound out,
      BrokerCounters counters,
      RoomObserver observer,
      int presenceLimit,
      int maxLineBytes,
      int maxSegmentBytes) {
    this.alloc = alloc;
    this.out = out;
    this.counters = counters;
    this.observer = observer;
    this.presenceLimit = presenceLimit;
    this.maxLineBytes = maxLineBytes;
    this.broadcast = new Broadcast(alloc, maxSegmentBytes);
  }

  @Override
  public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
    try {
      observer.beforeEvent(event);
      handle(event);
    } catch (RuntimeException e) {
      // Name the event while it is still filled in; the exception handler sees it cleared.
      throw new RoomEventException(event.toString(), e);
    } finally {
      // Even when handling threw: the event's buffers are released and the batch's writes go out.
      event.clear();
      if (endOfBatch) {
        endBatch();
      }
    }
  }

  /**
   * End of a ring batch. If every I/O loop is still busy with earlier output, keep the broadcast
   * segment open: messages from the next ring batches join it, and each member later gets one slice
   * for all of them (the loop wakes the room when it is free). Otherwise close the segment and hand
   * the writes over now, so that a quiet room adds no delay.
   */
  public void endBatch() {
    if (broadcast.isOpen() && out.allBusy()) {
      return;
    }
    broadcast.close(members, out);
    out.endOfBatch();
  }

  /** Any thread: waits until the room has handled the SHUTDOWN event. */
  public boolean awaitStopped(long timeoutMillis) throws InterruptedException {
    return stopped.await(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /** Room thread: the number of members. */
  public int memberCount() {
    return members.size();
  }

  private void handle(RingEvent event) {
    Peer peer = event.peer();
    if (shuttingDown) {
      return;
    }
    switch (event.kind()) {
      case JOIN -> join(peer, event.name());
      case SEND -> send(peer, event.payload());
      case WHO -> who(peer);
      case PING -> reply(peer, ServerFrames.encodePong(alloc, event.payload()));
      case LEAVE -> leave(peer);
      case REJECT -> error(peer, event.error());
      case DISCONNECTED -> drop(peer, false);
      case EVICTED -> drop(peer, true);
      case SHUTDOWN -> shutdown();
      case WAKE -> {
        // Nothing to do here: an I/O loop is free again, and the end of this batch hands it what
        // the room held back.
      }
    }
  }

  private void join(Peer peer, Name name) {
    if (peer.isGone() || peer.isOutputClosed()) {
      return; // the connection died while its JOIN waited in the ring: never seat it
    }
    if (peer.isMember()) {
      error(peer, ErrorCode.ALREADY_JOINED);
      return;
    }
    if (members.contains(name)) {
      reply(peer, ServerFrames.encodeErr(alloc, ErrorCode.NAME_TAKEN, nameTakenText(name)));
      counters.error(ErrorCode.NAME_TAKEN);
      return;
    }
    broadcast.close(members, out);
    members.add(peer, name);
    int count = members.size();
    counters.members(count);
    out.write(peer, ServerFrames.encodeWelcome(alloc, peer.nameBytes(), count));
    if (count <= presenceLimit) {
      ByteBuf buf = broadcast.beginLine(peer, peer.nameBytes().length + 8, members, out);
      ServerFrames.writeJoined(buf, peer.nameBytes());
      broadcast.endLine();
      counters.delivered(count - 1L);
    }
  }

  private void send(Peer peer, ByteBuf text) {
    if (!peer.isMember()) {
      error(peer, ErrorCode.NOT_JOINED);
      return;
    }
    broadcast.appendMessage(peer, text, members, out);
    counters.delivered(members.size() - 1L);
  }

  private void who(Peer peer) {
    if (!peer.isMember()) {
      error(peer, ErrorCode.NOT_JOINED);
      return;
    }
    int count = members.size();
    ByteBuf list = alloc.buffer(count * 24 + 16);
    for (int i = 0; i < count; i++) {
      ServerFrames.writeMember(list, members.get(i).nameBytes());
    }
    ServerFrames.writeMembers(list, count);
    reply(peer, list);
  }

  private void leave(Peer peer) {
    if (peer.isGone()) {
      return;
    }
    if (peer.isMember()) {
      removeMember(peer);
    } else {
      peer.markGone();
    }
    out.writeAndClose(peer, ServerFrames.encodeBye(alloc));
  }

  /** The connection is gone, or is being removed as a slow consumer: forget it, tell the room. */
  private void drop(Peer peer, boolean slowConsumer) {
    if (peer.isMember()) {
      removeMember(peer);
      if (slowConsumer) {
        counters.slowConsumerRemoved();
      }
    }
    peer.markGone();
  }

  private void removeMember(Peer peer) {
    int countBefore = members.size();
    broadcast.close(members, out);
    byte[] name = peer.nameBytes();
    members.remove(peer);
    counters.members(members.size());
    if (countBefore <= presenceLimit) {
      ByteBuf buf = broadcast.beginLine(null, name.length + 6, members, out);
      ServerFrames.writeLeft(buf, name);
      broadcast.endLine();
      counters.delivered(members.size());
    }
  }

  private void error(Peer peer, ErrorCode code) {
    counters.error(code);
    if (code == ErrorCode.TOO_LONG) {
      reply(
          peer,
          ServerFrames.encodeErr(
              alloc, code, "line longer than " + maxLineBytes + " bytes; it was discarded"));
    } else {
      reply(peer, ServerFrames.encodeErr(alloc, code));
    }
  }

  /** Sends one member (or non-member) a frame of its own, after everything it was sent before. */
  private void reply(Peer peer, ByteBuf frame) {
    if (peer.isGone()) {
      frame.release();
      return;
    }
    if (peer.isMember() && broadcast.isOpen()) {
      broadcast.close(members, out);
    }
    out.write(peer, frame);
  }

  private void shutdown() {
    shuttingDown = true;
    // Hand the last writes to the I/O threads before saying so, busy or not: the shutdown sequence
    // then queues ERR shutting_down behind them on the same event loops.
    broadcast.close(members, out);
    out.handOverAll();
    stopped.countDown();
  }

  private static String nameTakenText(Name name) {
    return "the name " + name.display() + " is in use; choose another";
  }
}
