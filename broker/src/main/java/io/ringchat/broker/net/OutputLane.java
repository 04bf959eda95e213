package io.ringchat.broker.net;

import io.netty.channel.EventLoop;
import io.netty.channel.SingleThreadEventLoop;
import java.util.Arrays;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

/**
 * The room's output to one I/O event loop, and the rule that makes batches grow with load.
 *
 * <p>The room fills a {@link WriteBatch} and hands it over with {@code execute}. From hand-over
 * until the loop starts writing it the lane is <em>busy</em>: the room hands over nothing more but
 * keeps appending to the batch it is filling, and keeps its broadcast segment open, so each member
 * later gets one slice for many messages. When the loop takes the batch it frees the lane and, if
 * the room held output back, publishes a wake-up into the ring, so the room hands that over at once
 * (it runs right after the batch being written); a second batch in the same loop iteration frees
 * the lane only once the iteration has flushed, which bounds each iteration to two batches. The
 * loop writes without flushing, and flushes each channel it wrote to once at the end of its
 * iteration, after every task of that iteration: one {@code writev} per channel per iteration,
 * however many batches or messages fed it. A quiet broker hands over every batch at once (no added
 * delay); a busy one merges whatever arrives while its loop is occupied, the way Redis gathers a
 * client's replies until {@code beforeSleep}.
 *
 * <p>Threads: {@link #batch}, {@link #handOver} and {@link #busyAndWillWake} run on the room
 * thread; {@link #taken}, {@link #wrote}, {@link #batchDone} and the flush run on the lane's event
 * loop. The two volatile flags are the only state both touch: the room writes {@code roomWaiting}
 * and then reads {@code busy}; the loop writes {@code busy} and then reads {@code roomWaiting};
 * with volatile accesses at least one of them sees the other's write, so held-back output is never
 * stranded. The batch itself crosses in {@code execute} (Netty's task queue publishes it to the
 * loop) and comes back through the one-to-one {@code spent} queue.
 */
final class OutputLane {
  /** A loop rarely has more than a few batches queued; more are allocated and dropped. */
  private static final int POOLED_BATCHES = 16;

  private static final int INITIAL_UNFLUSHED = 64;

  private final EventLoop loop;
  private final ConnectionTable table;

  /** The loop's end-of-iteration hook, or null for loops without one (embedded test loops). */
  private final SingleThreadEventLoop iterationLoop;

  private final Runnable wakeRoom;
  private final OneToOneConcurrentArrayQueue<WriteBatch> spent =
      new OneToOneConcurrentArrayQueue<>(POOLED_BATCHES);
  private final Runnable flushTask = this::flush;

  /** Set by the room at hand-over, cleared by the loop when it starts writing that batch. */
  private volatile boolean busy;

  /** Set by the room when it holds output back for a busy lane: the loop must wake it. */
  private volatile boolean roomWaiting;

  // Room thread only.
  private WriteBatch current;

  // Event loop only: channels written since the last flush.
  private Connection[] unflushed = new Connection[INITIAL_UNFLUSHED];
  private int unflushedCount;
  private boolean flushScheduled;
  private boolean freeAtFlush;

  /**
   * @param wakeRoom called on the loop when it took a batch and the room held output back for it;
   *     must not block (the broker publishes a wake-up event into the ring)
   */
  OutputLane(ConnectionTable table, Runnable wakeRoom) {
    this.table = table;
    this.loop = table.loop();
    this.iterationLoop = loop instanceof SingleThreadEventLoop s ? s : null;
    this.wakeRoom = wakeRoom;
  }

  /** Room thread: the batch being filled for this loop. */
  WriteBatch batch() {
    WriteBatch batch = current;
    if (batch == null) {
      // A batch from the spent queue is safe to refill: the queue's ordered offer and poll make
      // the loop's last writes to it (its reset) visible here.
      batch = spent.poll();
      if (batch == null) {
        batch = new WriteBatch(this, table);
      }
      current = batch;
    }
    return batch;
  }

  /**
   * Room thread: hands the filled batch to the loop, unless the loop is still busy with the last
   * one and {@code force} is false; then the batch keeps growing and the loop wakes the room when
   * it is free.
   */
  void handOver(boolean force) {
    WriteBatch batch = current;
    if (batch == null || batch.isEmpty()) {
      return;
    }
    if (!force && busyAndWillWake()) {
      return;
    }
    busy = true;
    current = null;
    // Netty's task queue is a happens-before edge: the loop sees every plain write to the batch.
    loop.execute(batch);
  }

  /**
   * Room thread: whether the loop has not yet started writing the last batch handed to it. If so,
   * it has been asked to wake the room when it is free.
   */
  boolean busyAndWillWake() {
    if (!busy) {
      return false;
    }
    roomWaiting = true;
    return busy; // read again after the request: the loop may have freed the lane in between
  }

  /**
   * Event loop: a batch is about to be written. The first batch of a loop iteration frees the lane
   * at once: the next batch may be handed over and runs right after it, before the flush. A later
   * batch of the same iteration frees it only at the flush, so that an iteration (and the flush at
   * its end) is never held open by a room that keeps feeding it, as it could while other loops keep
   * reading.
   */
  void taken() {
    assert loop.inEventLoop() : "lane taken off its event loop";
    if (flushScheduled) {
      freeAtFlush = true;
    } else {
      free();
    }
  }

  /** Event loop: the room may hand over again; wake it if it held output back meanwhile. */
  private void free() {
    busy = false;
    if (roomWaiting) {
      roomWaiting = false;
      wakeRoom.run();
    }
  }

  /** Event loop: {@code connection} was written to and needs a flush this iteration. */
  void wrote(Connection connection) {
    if (connection.markUnflushed()) {
      if (unflushedCount == unflushed.length) {
        unflushed = Arrays.copyOf(unflushed, unflushedCount * 2);
      }
      unflushed[unflushedCount++] = connection;
    }
  }

  /** Event loop: a batch has been written; it goes back to the pool and a flush is due. */
  void batchDone(WriteBatch batch) {
    assert loop.inEventLoop() : "batch finished off its event loop";
    spent.offer(batch);
    if (!flushScheduled) {
      flushScheduled = true;
      if (iterationLoop != null) {
        iterationLoop.executeAfterEventLoopIteration(flushTask);
      } else {
        loop.execute(flushTask);
      }
    }
  }

  /** Event loop, at the end of an iteration: one flush per written channel. */
  private void flush() {
    assert loop.inEventLoop() : "flush off its event loop";
    flushScheduled = false;
    for (int i = 0; i < unflushedCount; i++) {
      Connection connection = unflushed[i];
      unflushed[i] = null;
      connection.clearUnflushed();
      if (!connection.isOutputClosed()) {
        connection.channel().flush();
      }
    }
    if (unflushed.length > WriteBatch.MAX_RETAINED_ENTRIES) {
      unflushed = new Connection[INITIAL_UNFLUSHED];
    }
    unflushedCount = 0;
    if (freeAtFlush) {
      freeAtFlush = false;
      free();
    }
  }
}
