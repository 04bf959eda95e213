package io.ringchat.broker.net;

import io.netty.util.concurrent.EventExecutor;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The {@code --join-timeout} of the connections of one event loop, kept with one sweep per loop
 * rather than one timer per connection: an idle member then holds no timer object, the sweep
 * forgets connections as soon as they have joined or closed, and it stops when none is waiting.
 *
 * <p>Called by its event loop only.
 */
final class JoinDeadlines {
  private static final int INITIAL_CAPACITY = 16;

  private final long timeoutNanos;
  private final long sweepNanos;

  // The connections still waiting, in arrival order, and their deadlines (parallel arrays: a
  // deadline lives here while it matters, not in every connection's handler).
  private PeerHandler[] waiting = new PeerHandler[INITIAL_CAPACITY];
  private long[] deadlines = new long[INITIAL_CAPACITY];
  private int size;
  private boolean sweepScheduled;

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

  /** Starts the clock for a new connection. */
  void start(PeerHandler handler, EventExecutor loop) {
    if (size == waiting.length) {
      waiting = Arrays.copyOf(waiting, size * 2);
      deadlines = Arrays.copyOf(deadlines, size * 2);
    }
    waiting[size] = handler;
    deadlines[size] = System.nanoTime() + timeoutNanos;
    size++;
    scheduleSweep(loop);
  }

  /** The sweep runs only while some connection is waiting: a broker of joined members is quiet. */
  @SuppressWarnings("FutureReturnValueIgnored") // the sweep's only result is its side effect
  private void scheduleSweep(EventExecutor loop) {
    if (!sweepScheduled) {
      sweepScheduled = true;
      loop.schedule(() -> sweep(loop), sweepNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void sweep(EventExecutor loop) {
    sweepScheduled = false;
    long now = System.nanoTime();
    int kept = 0;
    for (int i = 0; i < size; i++) {
      PeerHandler handler = waiting[i];
      long deadline = deadlines[i];
      waiting[i] = null;
      if (handler.isJoinedOrDone()) {
        continue;
      }
      if (now - deadline >= 0) { // wrap-safe
        handler.joinTimedOut();
        continue;
      }
      waiting[kept] = handler;
      deadlines[kept] = deadline;
      kept++;
    }
    size = kept;
    if (waiting.length > INITIAL_CAPACITY && size < waiting.length / 4) {
      // After a burst of connections, give the memory back.
      int capacity = Math.max(INITIAL_CAPACITY, size * 2);
      waiting = Arrays.copyOf(waiting, capacity);
      deadlines = Arrays.copyOf(deadlines, capacity);
    }
    if (size > 0) {
      scheduleSweep(loop);
    }
  }
}
