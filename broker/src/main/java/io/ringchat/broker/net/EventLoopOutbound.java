package io.ringchat.broker.net;

import io.netty.buffer.ByteBuf;
import io.ringchat.broker.room.ConfinedThread;
import io.ringchat.broker.room.Outbound;

/**
 * The room's {@link Outbound} over Netty: groups the room's writes by the event loop a connection
 * id names ({@link ConnectionId}) into one {@link WriteBatch} per loop, and hands each loop its
 * batch when the loop is free to take it (see {@link OutputLane} for the rule), instead of one task
 * (and one wake-up) per write. The loop turns each id back into its connection when it writes.
 *
 * <p>Room thread only (asserted); each lane documents what its loop does.
 */
public final class EventLoopOutbound implements Outbound {
  private final ConfinedThread thread = new ConfinedThread("the room's outbound");
  private final OutputLane[] lanes;

  /**
   * @param tables each I/O loop's connection table, in loop order
   * @param wakeRoom run on an I/O thread when that loop took a batch and the room held output back
   *     for it; must not block
   */
  public EventLoopOutbound(ConnectionTable[] tables, Runnable wakeRoom) {
    this.lanes = new OutputLane[tables.length];
    for (int i = 0; i < tables.length; i++) {
      lanes[i] = new OutputLane(tables[i], wakeRoom);
    }
  }

  private WriteBatch batchFor(long connection) {
    assert thread.check();
    return lanes[ConnectionId.loop(connection)].batch();
  }

  @Override
  public void write(long connection, ByteBuf frame) {
    batchFor(connection).add(connection, frame, false);
  }

  @Override
  public void write(long connection, ByteBuf shared, int offset, int length) {
    batchFor(connection).addSlice(connection, shared, offset, length);
  }

  @Override
  public void writeReplay(long connection, ByteBuf replay) {
    batchFor(connection).addReplay(connection, replay);
  }

  @Override
  public void writeAndClose(long connection, ByteBuf frame) {
    batchFor(connection).add(connection, frame, true);
  }

  @Override
  public void joined(long connection) {
    batchFor(connection).addJoined(connection);
  }

  @Override
  public boolean allBusy() {
    assert thread.check();
    for (OutputLane lane : lanes) {
      if (!lane.busyAndWillWake()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void endOfBatch() {
    assert thread.check();
    for (OutputLane lane : lanes) {
      lane.handOver(false);
    }
  }

  @Override
  public void handOverAll() {
    assert thread.check();
    for (OutputLane lane : lanes) {
      lane.handOver(true);
    }
  }
}
