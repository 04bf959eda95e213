package io.ringchat.broker.ring;

import com.lmax.disruptor.ExceptionHandler;
import io.ringchat.broker.stats.BrokerCounters;
import java.io.PrintStream;

/**
 * Keeps the room running when handling an event throws. The Disruptor's default handler halts the
 * consumer, after which every producer finds the ring full forever; this one logs the event once,
 * counts it and carries on with the next event.
 *
 * <p>Room thread, except for the start and shutdown callbacks.
 */
final class RoomExceptionHandler implements ExceptionHandler<RingEvent> {
  /** After this many, failures are only counted, so a poison stream cannot flood the log. */
  private static final int MAX_LOGGED = 100;

  private final BrokerCounters counters;
  private final PrintStream log = System.err;
  private int logged;

  RoomExceptionHandler(BrokerCounters counters) {
    this.counters = counters;
  }

  @Override
  public void handleEventException(Throwable ex, long sequence, RingEvent event) {
    counters.roomException();
    if (logged < MAX_LOGGED) {
      logged++;
      // The room names the event in the exception: by now the slot itself has been cleared.
      log.println("ringchat: room failed on event " + sequence + "; carrying on: " + ex);
      ex.printStackTrace(log);
      if (logged == MAX_LOGGED) {
        log.println("ringchat: further room failures are only counted (room_exceptions)");
      }
    }
  }

  @Override
  public void handleOnStartException(Throwable ex) {
    log.println("ringchat: room failed to start: " + ex);
  }

  @Override
  public void handleOnShutdownException(Throwable ex) {
    log.println("ringchat: room failed to stop cleanly: " + ex);
  }
}
