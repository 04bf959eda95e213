package io.ringchat.broker.ring;

import io.ringchat.broker.room.Room;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The ring's single consumer: turns each {@link RingEvent} into the room's typed call, releases
 * what the event owned, and ends the room's batch where the ring's batch ends. The room itself
 * never sees the ring, so it can be driven by anything that makes the same calls in the same order.
 *
 * <p>Room thread (the Disruptor's consumer thread), except {@link #awaitStopped}.
 */
public final class RoomConsumer implements RingConsumer {
  private final Room room;
  private final RoomObserver observer;
  private final CountDownLatch stopped = new CountDownLatch(1);

  public RoomConsumer(Room room, RoomObserver observer) {
    this.room = room;
    this.observer = observer;
  }

  @Override
  public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
    try {
      observer.beforeEvent(event);
      dispatch(event);
    } catch (RuntimeException e) {
      // Name the event while it is still filled in; the exception handler sees it cleared.
      throw new RoomEventException(event.toString(), e);
    } finally {
      // Even when handling threw: the event's buffers are released (on this thread, after the room
      // has copied what it needs) and the batch's writes go out.
      event.clear();
      if (endOfBatch) {
        room.endBatch();
      }
    }
  }

  private void dispatch(RingEvent event) {
    long connection = event.connection();
    switch (event.kind()) {
      case JOIN -> room.onJoin(connection, event.name(), event.position());
      case SEND -> room.onSend(connection, event.payload());
      case WHO -> room.onWho(connection);
      case PING -> room.onPing(connection, event.payload());
      case LEAVE -> room.onLeave(connection);
      case REJECT -> room.onReject(connection, event.error());
      case DISCONNECTED -> room.onDisconnect(connection);
      case EVICTED -> room.onEvict(connection);
      case SHUTDOWN -> {
        room.onShutdown();
        stopped.countDown();
      }
      case WAKE -> {
        // Nothing to do here: an I/O loop is free again, and the end of this batch hands it what
        // the room held back.
      }
    }
  }

  /** Any thread: waits until the room has handled the SHUTDOWN event. */
  @Override
  public boolean awaitStopped(long timeoutMillis) throws InterruptedException {
    return stopped.await(timeoutMillis, TimeUnit.MILLISECONDS);
  }
}
