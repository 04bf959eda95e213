package io.ringchat.broker.ring;

import com.lmax.disruptor.EventHandler;

/**
 * The ring's one consumer: the room itself ({@link RoomConsumer}), or, when brokers serve one room
 * together, the link that forwards the ring's events to the clustered room.
 */
public interface RingConsumer extends EventHandler<RingEvent> {
  /** Any thread: waits until the consumer has handled the SHUTDOWN event. */
  boolean awaitStopped(long timeoutMillis) throws InterruptedException;
}
