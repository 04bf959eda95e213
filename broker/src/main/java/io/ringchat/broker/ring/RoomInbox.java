package io.ringchat.broker.ring;

import java.util.concurrent.Executor;

/**
 * Where the I/O side publishes requests for the room: the {@link InboundRing} in the broker, or a
 * synchronous stand-in in fuzz and model tests. Called by I/O threads; never blocks.
 */
public interface RoomInbox {
  /** Publishes an event, or returns false at once if there is no room for it now. */
  boolean tryPublish(EventKind kind, long connection, Object detail);

  /**
   * Called on an I/O thread, once: this thread's event loop is {@code loop}, and the consumer may
   * be woken by a task on it, once per loop iteration, rather than at each event (see {@link
   * SpinThenParkWaitStrategy}). An inbox that has nobody to wake ignores it.
   */
  default void deferWakeupsTo(Executor loop) {}
}
