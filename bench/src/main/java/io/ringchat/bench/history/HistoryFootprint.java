package io.ringchat.bench.history;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.ringchat.broker.room.HistoryOptions;
import io.ringchat.broker.room.Outbound;
import io.ringchat.broker.room.Room;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.Names;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;

/**
 * Heap and direct memory per kept message, for {@code bench/history.sh footprint}: a room alone
 * (the broker's own allocator), one member sending N messages of SIZE bytes of text into a history
 * of N, memory measured after a full GC before and after. Prints one line per N.
 *
 * <pre>java -cp bench/target/benchmarks.jar io.ringchat.bench.history.HistoryFootprint SIZE N...
 * </pre>
 */
public final class HistoryFootprint {
  private HistoryFootprint() {}

  public static void main(String[] args) throws Exception {
    int size = Integer.parseInt(args[0]);
    run(size, 1000, 1000); // warm-up: classes loaded, code compiled, not reported
    for (int a = 1; a < args.length; a++) {
      int n = Integer.parseInt(args[a]);
      // The same sends into a room that keeps nothing, then into one that keeps them all: the
      // difference is what keeping costs.
      long[] none = run(size, n, 0);
      long[] all = run(size, n, n);
      long heap = all[0] - none[0];
      long direct = all[1] - none[1];
      System.out.printf(
          "%,d kept messages of %d text bytes (POST lines of about %d bytes): heap %.1f B,"
              + " direct %.1f B, together %.1f B per message (%.2f MiB)%n",
          n,
          size,
          ("POST " + n + " 1764770000000 load-12 \n").length() + size,
          (double) heap / n,
          (double) direct / n,
          (double) (heap + direct) / n,
          (heap + direct) / 1048576.0);
    }
  }

  /**
   * Sends {@code messages} messages into a room that keeps {@code keep}; returns the heap and the
   * direct memory in use afterwards (after a full GC), the room still alive. Direct memory comes
   * from an unpooled allocator, which counts exactly what is allocated (the broker's pooled
   * allocator takes it from chunks of its own).
   */
  private static long[] run(int size, int messages, int keep) throws Exception {
    UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true);
    Room[] room = new Room[1];
    Thread roomThread =
        new Thread(
            () -> {
              Room r =
                  new Room(
                      alloc,
                      new Discard(),
                      new BrokerCounters(),
                      1000,
                      4096,
                      Room.MAX_SEGMENT_BYTES,
                      new HistoryOptions("bench", keep, Long.MAX_VALUE, () -> 1_764_770_000_000L));
              r.onJoin(1, Names.parse("load-12").name());
              ByteBuf text =
                  Unpooled.wrappedBuffer("x".repeat(size).getBytes(StandardCharsets.UTF_8));
              for (int i = 0; i < messages; i++) {
                r.onSend(1, text);
              }
              r.endBatch();
              room[0] = r;
            });
    roomThread.start();
    roomThread.join();
    long heap = heapAfterGc();
    long direct = alloc.metric().usedDirectMemory();
    kept = room[0]; // alive until measured
    kept = null;
    return new long[] {heap, direct};
  }

  /** The room measured: held, so that the GC does not take its history before it is measured. */
  @SuppressWarnings("unused")
  private static volatile Room kept;

  private static long heapAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }

  /** Drops everything the room writes (one member, who is sent nothing but its WELCOME). */
  private static final class Discard implements Outbound {
    @Override
    public void write(long connection, ByteBuf frame) {
      frame.release();
    }

    @Override
    public void write(long connection, ByteBuf shared, int offset, int length) {}

    @Override
    public void writeAndClose(long connection, ByteBuf frame) {
      frame.release();
    }

    @Override
    public void joined(long connection) {}

    @Override
    public boolean allBusy() {
      return false;
    }

    @Override
    public void endOfBatch() {}

    @Override
    public void handOverAll() {}
  }
}
