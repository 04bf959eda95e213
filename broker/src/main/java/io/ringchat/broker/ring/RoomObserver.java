package io.ringchat.broker.ring;

/**
 * A hook into the room thread, called before each ring event is handed to the room. Production uses
 * {@link #NONE}; tests use it to hold the room still (to fill the ring) or to make it fail.
 */
@FunctionalInterface
public interface RoomObserver {
  RoomObserver NONE = event -> {};

  /** Room thread: {@code event} is about to be handled. */
  void beforeEvent(RingEvent event);
}
