package io.ringchat.broker.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ringchat.broker.ring.EventKind;
import io.ringchat.broker.ring.RingEvent;
import io.ringchat.broker.ring.RoomConsumer;
import io.ringchat.broker.ring.RoomInbox;
import io.ringchat.broker.ring.RoomObserver;
import io.ringchat.broker.room.Room;
import io.ringchat.broker.stats.BrokerCounters;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.CachedNanoClock;

/**
 * The broker's own I/O handlers and room, wired on {@link EmbeddedChannel}s and driven on the test
 * thread: bytes in, frames out, no sockets, no threads, no clock. The ring is replaced by an inbox
 * that hands each event to the room at once, as a batch of one.
 */
final class SyncBroker implements AutoCloseable {
  final BrokerCounters counters = new BrokerCounters();
  private final SlowableChannel[] channels;
  private final List<List<String>> received = new ArrayList<>();
  private final StringBuilder[] partial;
  private RoomConsumer room;
  private long sequence;

  /** The broker's clock: moved only by the test ({@link #advance}). */
  final CachedNanoClock clock = new CachedNanoClock();

  private final Connections net;

  SyncBroker(int connections, int maxLineBytes, int presenceLimit) {
    this(connections, maxLineBytes, presenceLimit, 60_000_000_000L);
  }

  SyncBroker(int connections, int maxLineBytes, int presenceLimit, long joinTimeoutNanos) {
    this(connections, maxLineBytes, presenceLimit, joinTimeoutNanos, connections);
  }

  /**
   * @param maxClients the connection limit; connections past it are refused at the door
   */
  SyncBroker(
      int connections, int maxLineBytes, int presenceLimit, long joinTimeoutNanos, int maxClients) {
    this(
        new ConnectionLimits(maxClients, maxLineBytes, joinTimeoutNanos, 0, AddressLimits.OFF),
        presenceLimit,
        new InetSocketAddress[connections]);
  }

  /**
   * @param limits every limit the I/O side applies
   * @param peers each connection's remote address (so the per-address limits see it), in order;
   *     null for the embedded channel's own, which no per-address limit counts
   */
  SyncBroker(ConnectionLimits limits, int presenceLimit, InetSocketAddress... peers) {
    int connections = peers.length;
    int maxLineBytes = limits.maxLineBytes();
    channels = new SlowableChannel[connections];
    partial = new StringBuilder[connections];
    EventLoop[] loops = new EventLoop[connections];
    for (int i = 0; i < connections; i++) {
      channels[i] = new SlowableChannel(peers[i]);
      loops[i] = channels[i].eventLoop();
      received.add(new ArrayList<>());
      partial[i] = new StringBuilder();
    }
    RoomInbox inbox =
        (kind, connection, detail) -> {
          RingEvent event = new RingEvent();
          event.set(kind, connection, detail);
          room.onEvent(event, sequence++, true);
          return true;
        };
    net = new Connections(loops, inbox, counters, limits, clock);
    room =
        new RoomConsumer(
            new Room(
                ByteBufAllocator.DEFAULT,
                new EventLoopOutbound(net.tables(), this::wakeRoom),
                counters,
                presenceLimit,
                maxLineBytes),
            RoomObserver.NONE);
    for (int i = 0; i < connections; i++) {
      channels[i].pipeline().addLast(net.initializer(null));
      channels[i].pipeline().fireChannelActive(); // the handlers came after registration
    }
    pump(); // what the broker said on connect (a refusal)
  }

  /** A loop flushed and the room held output back: the wake-up the ring would carry, at once. */
  private void wakeRoom() {
    RingEvent wake = new RingEvent();
    wake.set(EventKind.WAKE, 0, null);
    room.onEvent(wake, sequence++, true);
  }

  /**
   * Moves the broker's clock on, and each loop's timers with it: runs the join-deadline sweep, as
   * its timer would, and the timers now due (the end of a flood-control pause).
   */
  void advance(long nanos) {
    clock.advance(nanos);
    for (SlowableChannel channel : channels) {
      channel.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
      net.ioLoop(channel.eventLoop()).joinDeadlines().sweep();
    }
    pump();
  }

  /** Addresses the per-address limits keep a budget for now. */
  int addressesKept() {
    return net.addresses().addresses();
  }

  boolean isOpen(int connection) {
    return channels[connection].isOpen();
  }

  /** Feeds bytes to a connection as one read (ignored if the broker closed it). */
  void write(int connection, byte[] bytes) {
    if (channels[connection].isOpen()) {
      channels[connection].writeInbound(Unpooled.wrappedBuffer(bytes));
    }
    pump();
  }

  /**
   * The client stops reading: its unsent bytes pass --max-pending, as far as the broker can tell
   * (an embedded channel never fills, so its writability is forced).
   */
  void stopReading(int connection) {
    if (channels[connection].isOpen() && channels[connection].writable) {
      channels[connection].writable = false;
      channels[connection].pipeline().fireChannelWritabilityChanged();
    }
    pump();
  }

  /**
   * An embedded channel whose writability a test can take away, from the peer address it is given,
   * on a loop whose time only the test moves.
   */
  private static final class SlowableChannel extends EmbeddedChannel {
    boolean writable = true;
    private final InetSocketAddress peer;

    SlowableChannel(InetSocketAddress peer) {
      this.peer = peer;
      freezeTime();
    }

    @Override
    protected SocketAddress remoteAddress0() {
      return peer != null ? peer : super.remoteAddress0();
    }

    @Override
    public boolean isWritable() {
      return writable && super.isWritable();
    }
  }

  /** The client drops the connection. */
  void disconnect(int connection) {
    if (channels[connection].isOpen()) {
      channels[connection].close().syncUninterruptibly();
    }
    pump();
  }

  /** Runs the write batches and collects what each connection was sent. */
  void pump() {
    // Until a round finds nothing twice: a task run in one round (the end of a pause) may queue a
    // write whose flush is a task of the next.
    int quietRounds = 0;
    while (quietRounds < 2) {
      boolean more = false;
      for (int i = 0; i < channels.length; i++) {
        channels[i].runPendingTasks();
        for (ByteBuf buf = channels[i].readOutbound();
            buf != null;
            buf = channels[i].readOutbound()) {
          more = true;
          partial[i].append(buf.toString(StandardCharsets.UTF_8));
          buf.release();
          int lf;
          while ((lf = partial[i].indexOf("\n")) >= 0) {
            received.get(i).add(partial[i].substring(0, lf));
            partial[i].delete(0, lf + 1);
          }
        }
      }
      quietRounds = more ? 0 : quietRounds + 1;
    }
  }

  List<String> received(int connection) {
    return received.get(connection);
  }

  @Override
  public void close() {
    for (EmbeddedChannel channel : channels) {
      channel.close().syncUninterruptibly();
    }
    pump();
    for (EmbeddedChannel channel : channels) {
      channel.finishAndReleaseAll();
    }
  }
}
