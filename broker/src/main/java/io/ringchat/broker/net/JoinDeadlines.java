package io.ringchat.broker.net;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * The {@code --join-timeout} of the connections of one event loop, kept with one periodic sweep per
 * loop rather than one timer per connection: an idle member then holds no timer object, and the
 * sweep forgets connections as soon as they have joined or closed.
 *
 * <p>Called by its event loop only.
 */
final class JoinDeadlines {
  private final long timeoutNanos;
  private final long sweepNanos;
  private final ArrayDeque<PeerHandler> waiting = new ArrayDeque<>();
  private boolean sweeping;

  JoinDeadlines(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
    // A quarter of the timeout, between 10 ms and 1 s: a connection is closed at most that late.
    this.sweepNanos =
        Math.max(
            TimeUnit.MILLISECONDS.toNanos(10),
            Math.min(TimeUnit.SECONDS.toNanos(1), timeoutNanos / 4));
  }

  long timeoutNanos() {
    return timeoutNanos;
  }

  /** Starts the clock for a new connection; returns its deadline. */
  @SuppressWarnings("FutureReturnValueIgnored") // the sweep runs for the life of the loop
  long start(PeerHandler handler, EventExecutor loop) {
    waiting.add(handler);
    if (!sweeping) {
      sweeping = true;
      loop.scheduleAtFixedRate(this::sweep, sweepNanos, sweepNanos, TimeUnit.NANOSECONDS);
    }
    return System.nanoTime() + timeoutNanos;
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Iterator<PeerHandler> it = waiting.iterator(); it.hasNext(); ) {
      PeerHandler handler = it.next();
      if (handler.isJoinedOrDone()) {
        it.remove();
      } else if (now - handler.joinDeadlineNanos() >= 0) { // wrap-safe
        it.remove();
        handler.joinTimedOut();
      }
    }
  }
}
