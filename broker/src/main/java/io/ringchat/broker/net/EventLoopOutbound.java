package io.ringchat.broker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.ringchat.broker.room.Outbound;
import io.ringchat.broker.room.Peer;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;

/**
 * The room's {@link Outbound} over Netty: groups a ring batch's writes by event loop, and at the
 * end of the batch hands each loop one task, instead of one task (and one wake-up) per write.
 *
 * <p>Room thread, except that each loop's task returns its {@link WriteBatch} to a one-to-one queue
 * for reuse.
 */
public final class EventLoopOutbound implements Outbound {
  /** A loop rarely has more than a few batches queued; more are allocated and dropped. */
  private static final int POOLED_BATCHES_PER_LOOP = 16;

  /** One event loop, the batch being filled for it, and its spent batches for reuse. */
  private static final class Lane {
    final EventLoop loop;
    final OneToOneConcurrentArrayQueue<WriteBatch> spent =
        new OneToOneConcurrentArrayQueue<>(POOLED_BATCHES_PER_LOOP);
    WriteBatch current;

    Lane(EventLoop loop) {
      this.loop = loop;
    }
  }

  private final Lane[] lanes;

  public EventLoopOutbound(EventLoop[] loops) {
    this.lanes = new Lane[loops.length];
    for (int i = 0; i < loops.length; i++) {
      lanes[i] = new Lane(loops[i]);
    }
  }

  @Override
  public void write(Peer peer, ByteBuf frame) {
    batchFor(peer).add(peer, frame, false);
  }

  @Override
  public void write(Peer peer, ByteBuf shared, int offset, int length) {
    batchFor(peer).addSlice(peer, shared, offset, length);
  }

  @Override
  public void writeAndClose(Peer peer, ByteBuf frame) {
    batchFor(peer).add(peer, frame, true);
  }

  @Override
  public void endOfBatch() {
    for (Lane lane : lanes) {
      WriteBatch batch = lane.current;
      if (batch != null && !batch.isEmpty()) {
        lane.current = null;
        lane.loop.execute(batch);
      }
    }
  }

  private WriteBatch batchFor(Peer peer) {
    Lane lane = lanes[peer.eventLoopIndex()];
    WriteBatch batch = lane.current;
    if (batch == null) {
      batch = lane.spent.poll();
      if (batch == null) {
        batch = new WriteBatch(lane.spent);
      }
      lane.current = batch;
    }
    return batch;
  }
}
