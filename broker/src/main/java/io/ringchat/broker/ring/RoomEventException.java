package io.ringchat.broker.ring;

/** Wraps a failure of the room with the event that caused it, for the one log line it gets. */
final class RoomEventException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RoomEventException(String event, RuntimeException cause) {
    super("while handling " + event, cause);
  }
}
