package io.ringchat.broker.room;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ringchat.broker.net.EventLoopOutbound;
import io.ringchat.broker.ring.EventKind;
import io.ringchat.broker.ring.RingEvent;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.Names;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives a {@link Room} on the test thread: events in, frames out, no sockets, no threads. Each
 * connection is an {@link EmbeddedChannel} on its own embedded event loop, so the real {@link
 * EventLoopOutbound} and write batches run when the test asks for the output.
 */
final class RoomHarness implements AutoCloseable {
  final BrokerCounters counters = new BrokerCounters();
  final Room room;
  private final EmbeddedChannel[] channels;
  private final Peer[] peers;
  private final EmbeddedChannel sharedLoop;
  private final List<RingEvent> batch = new ArrayList<>();
  private long sequence;

  RoomHarness(int connections, int presenceLimit) {
    this(connections, presenceLimit, RoomObserver.NONE);
  }

  RoomHarness(int connections, int presenceLimit, RoomObserver observer) {
    this(connections, presenceLimit, observer, false);
  }

  /**
   * @param oneLoop every connection is served by the first connection's event loop, as with the
   *     broker's single I/O thread (an embedded loop runs each task on the test thread)
   */
  RoomHarness(int connections, int presenceLimit, RoomObserver observer, boolean oneLoop) {
    channels = new EmbeddedChannel[connections];
    peers = new Peer[connections];
    // The shared loop belongs to a channel nobody writes to: an embedded channel runs its loop's
    // tasks after each write, which a real event loop never does in the middle of a task.
    sharedLoop = oneLoop ? new EmbeddedChannel() : null;
    EventLoop[] loops = new EventLoop[oneLoop ? 1 : connections];
    if (oneLoop) {
      loops[0] = sharedLoop.eventLoop();
    }
    for (int i = 0; i < connections; i++) {
      channels[i] = new EmbeddedChannel();
      if (!oneLoop) {
        loops[i] = channels[i].eventLoop();
      }
      peers[i] = new Peer(channels[i], oneLoop ? 0 : i);
    }
    room =
        new Room(
            ByteBufAllocator.DEFAULT,
            new EventLoopOutbound(loops, this::wakeRoom),
            counters,
            observer,
            presenceLimit,
            4096);
  }

  /** A loop flushed and the room held output back: the wake-up the ring would carry, at once. */
  private void wakeRoom() {
    RingEvent wake = new RingEvent();
    wake.set(EventKind.WAKE, null, null);
    room.onEvent(wake, sequence++, true);
  }

  Peer peer(int connection) {
    return peers[connection];
  }

  RoomHarness join(int connection, String name) {
    return add(EventKind.JOIN, connection, Names.parse(name).name());
  }

  RoomHarness send(int connection, String text) {
    return add(EventKind.SEND, connection, utf8(text));
  }

  RoomHarness ping(int connection, String token) {
    return add(EventKind.PING, connection, token == null ? null : utf8(token));
  }

  RoomHarness who(int connection) {
    return add(EventKind.WHO, connection, null);
  }

  RoomHarness leave(int connection) {
    return add(EventKind.LEAVE, connection, null);
  }

  RoomHarness reject(int connection, ErrorCode code) {
    return add(EventKind.REJECT, connection, code);
  }

  RoomHarness disconnect(int connection) {
    peers[connection].closeOutput();
    return add(EventKind.DISCONNECTED, connection, null);
  }

  RoomHarness evict(int connection) {
    peers[connection].closeOutput();
    return add(EventKind.EVICTED, connection, null);
  }

  /** Queues an event for the next {@link #deliverBatch()}. */
  RoomHarness add(EventKind kind, int connection, Object detail) {
    RingEvent event = new RingEvent();
    event.set(kind, peers[connection], detail);
    batch.add(event);
    return this;
  }

  /** Hands the queued events to the room as one ring batch. */
  RoomHarness deliverBatch() {
    for (int i = 0; i < batch.size(); i++) {
      room.onEvent(batch.get(i), sequence++, i == batch.size() - 1);
    }
    batch.clear();
    return this;
  }

  /** Runs what was handed to the shared event loop (the I/O thread's turn), in one-loop mode. */
  void runLoop() {
    sharedLoop.runPendingTasks();
  }

  /** Everything written to {@code connection} so far, as text, one entry per line. */
  List<String> received(int connection) {
    EmbeddedChannel channel = channels[connection];
    channel.runPendingTasks();
    StringBuilder text = new StringBuilder();
    for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
      text.append(buf.toString(StandardCharsets.UTF_8));
      buf.release();
    }
    List<String> lines = new ArrayList<>();
    for (String line : text.toString().split("\n", -1)) {
      if (!line.isEmpty()) {
        lines.add(line);
      }
    }
    return lines;
  }

  /** How many separate buffers were written to {@code connection} (fewer means coalesced). */
  int writesTo(int connection) {
    EmbeddedChannel channel = channels[connection];
    channel.runPendingTasks();
    int writes = 0;
    for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
      writes++;
      buf.release();
    }
    return writes;
  }

  /** Discards everything written so far, to every connection. */
  void drainAll() {
    for (int i = 0; i < channels.length; i++) {
      received(i);
    }
  }

  boolean isOpen(int connection) {
    channels[connection].runPendingTasks();
    return channels[connection].isOpen();
  }

  private static ByteBuf utf8(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    if (sharedLoop != null) {
      sharedLoop.runPendingTasks();
      sharedLoop.finishAndReleaseAll();
    }
    for (EmbeddedChannel channel : channels) {
      channel.runPendingTasks();
      channel.finishAndReleaseAll();
    }
  }
}
