package io.ringchat.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.ringchat.broker.net.ConnectionTable;
import io.ringchat.broker.net.EventLoopOutbound;
import io.ringchat.broker.ring.EventKind;
import io.ringchat.broker.ring.PositionedJoin;
import io.ringchat.broker.ring.RingEvent;
import io.ringchat.broker.ring.RoomConsumer;
import io.ringchat.broker.ring.RoomObserver;
import io.ringchat.broker.room.HistoryOptions;
import io.ringchat.broker.room.Room;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.JoinPosition;
import io.ringchat.protocol.Name;
import io.ringchat.protocol.Names;
import java.nio.charset.StandardCharsets;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The room's fan-out, in process, for 10, 100 and 1,000 members on sink channels: one ring batch of
 * 64 messages from up to 10 senders, delivered to every other member. The score that matters is the
 * {@code deliveries} counter (deliveries per second).
 *
 * <pre>
 * benchmark thread: RoomConsumer.onEvent x 64 ─► Room ─► EventLoopOutbound ─► WriteBatch.run
 *   ─► sink channels ("ring" and "ring_uncoalesced": the broker's own classes; the ring itself
 *   is not crossed)
 * benchmark thread: SeedDesignRoom.broadcast x 64 ─► per-user queue ─► per-user task ─► sinks
 * </pre>
 *
 * <p>Everything runs on one thread, so the score is the CPU cost of each design's fan-out.
 */
@State(Scope.Thread)
public class FanOutBenchmark extends BenchmarkBase {
  private static final int BATCH = 64;
  private static final int MAX_SENDERS = 10;

  @Param({"10", "100", "1000"})
  public int members;

  /**
   * {@code ring}: the broker; {@code ring_positioned}: the broker with every member positioned
   * (protocol 1.1: POST and SENT lines, 1,000 messages kept); {@code ring_uncoalesced}: one segment
   * per message; {@code seed}.
   */
  @Param({"ring", "ring_positioned", "ring_uncoalesced", "seed"})
  public String design;

  /** Deliveries made, reported by JMH per second next to the operations. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Deliveries {
    public long deliveries;

    @Setup(Level.Iteration)
    public void reset() {
      deliveries = 0;
    }
  }

  private final long[] bytesWritten = new long[1];
  private EmbeddedChannel[] channels;
  private EmbeddedChannel laneChannel;
  private long[] ids;
  private RoomConsumer room;
  private SeedDesignRoom seed;
  private final RingEvent[] events = new RingEvent[BATCH];
  private ByteBuf text;
  private String textString;
  private long sequence;

  @Setup
  public void setUp() {
    channels = SinkChannels.create(members, bytesWritten);
    textString = "z".repeat(64);
    text = Unpooled.directBuffer().writeBytes(textString.getBytes(StandardCharsets.UTF_8));
    if (design.equals("seed")) {
      seed = new SeedDesignRoom(Runnable::run);
      for (int i = 0; i < members; i++) {
        seed.join("member-" + i, channels[i]);
      }
      return;
    }
    // All peers on one lane, as with the broker's default single I/O thread. The lane's loop is a
    // channel of its own: an embedded channel runs its loop's tasks after every write to it.
    laneChannel = new EmbeddedChannel();
    ConnectionTable table = new ConnectionTable(0, laneChannel.eventLoop());
    room =
        new RoomConsumer(
            new Room(
                ByteBufAllocator.DEFAULT,
                new EventLoopOutbound(new ConnectionTable[] {table}, () -> {}),
                new BrokerCounters(),
                0,
                4096,
                design.equals("ring_uncoalesced") ? 1 : Room.MAX_SEGMENT_BYTES,
                design.equals("ring_positioned")
                    ? new HistoryOptions("bench", 1000, 8 << 20, System::currentTimeMillis)
                    : HistoryOptions.NONE),
            RoomObserver.NONE);
    ids = new long[members];
    for (int i = 0; i < members; i++) {
      ids[i] = table.open(channels[i]).id();
      RingEvent join = new RingEvent();
      Name name = Names.parse("member-" + i).name();
      join.set(
          EventKind.JOIN,
          ids[i],
          design.equals("ring_positioned")
              ? new PositionedJoin(name, JoinPosition.history(0))
              : name);
      room.onEvent(join, sequence++, true);
    }
    laneChannel.runPendingTasks();
    for (int i = 0; i < BATCH; i++) {
      events[i] = new RingEvent();
    }
  }

  @TearDown
  public void tearDown() {
    if (laneChannel != null) {
      laneChannel.finishAndReleaseAll();
    }
    for (EmbeddedChannel channel : channels) {
      channel.finishAndReleaseAll();
    }
    text.release();
  }

  @Benchmark
  public long batch(Deliveries counter) {
    int senders = Math.min(members, MAX_SENDERS);
    if (seed != null) {
      for (int i = 0; i < BATCH; i++) {
        counter.deliveries += seed.broadcast("member-" + (i % senders), textString);
      }
      return bytesWritten[0];
    }
    for (int i = 0; i < BATCH; i++) {
      RingEvent event = events[i];
      event.set(EventKind.SEND, ids[i % senders], text.retainedDuplicate());
      room.onEvent(event, sequence++, i == BATCH - 1);
    }
    laneChannel.runPendingTasks(); // the I/O thread's turn: write the batch, then flush
    counter.deliveries += (long) BATCH * (members - 1);
    return bytesWritten[0];
  }
}
