package io.ringchat.broker.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.ringchat.broker.room.Outbound;
import io.ringchat.broker.room.Peer;

/**
 * The room's {@link Outbound} over Netty: groups the room's writes by event loop into one {@link
 * WriteBatch} per loop, and hands each loop its batch when the loop is free to take it (see {@link
 * OutputLane} for the rule), instead of one task (and one wake-up) per write.
 *
 * <p>Room thread only; each lane documents what its loop does.
 */
public final class EventLoopOutbound implements Outbound {
  private final OutputLane[] lanes;

  /**
   * @param wakeRoom run on an I/O thread when that loop took a batch and the room held output back
   *     for it; must not block
   */
  public EventLoopOutbound(EventLoop[] loops, Runnable wakeRoom) {
    this.lanes = new OutputLane[loops.length];
    for (int i = 0; i < loops.length; i++) {
      lanes[i] = new OutputLane(loops[i], wakeRoom);
    }
  }

  @Override
  public void write(Peer peer, ByteBuf frame) {
    lanes[peer.eventLoopIndex()].batch().add(peer, frame, false);
  }

  @Override
  public void write(Peer peer, ByteBuf shared, int offset, int length) {
    lanes[peer.eventLoopIndex()].batch().addSlice(peer, shared, offset, length);
  }

  @Override
  public void writeAndClose(Peer peer, ByteBuf frame) {
    lanes[peer.eventLoopIndex()].batch().add(peer, frame, true);
  }

  @Override
  public boolean allBusy() {
    for (OutputLane lane : lanes) {
      if (!lane.busyAndWillWake()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void endOfBatch() {
    for (OutputLane lane : lanes) {
      lane.handOver(false);
    }
  }

  @Override
  public void handOverAll() {
    for (OutputLane lane : lanes) {
      lane.handOver(true);
    }
  }
}
