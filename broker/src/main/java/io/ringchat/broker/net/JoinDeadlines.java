package io.ringchat.broker.net;

import io.netty.channel.EventLoop;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.NanoClock;

/**
 * The {@code --join-timeout} of the connections of one event loop, kept with one sweep per loop
 * rather than one timer per connection: an idle member then holds no timer object, the sweep
 * forgets connections as soon as they have joined or closed, and it stops when none is waiting.
 *
 * <p>Its event loop only (asserted). The clock is injected so that a test can move time on.
 */
final class JoinDeadlines {
  private static final int INITIAL_CAPACITY = 16;

  private final EventLoop loop;
  private final long timeoutNanos;
  private final NanoClock clock;
  private final long sweepNanos;
  private final Runnable sweepTask = this::sweep;

  // The connections still waiting, in arrival order, and their deadlines (parallel arrays: a
  // deadline lives here while it matters, not in every connection's handler).
  private ConnectionHandler[] waiting = new ConnectionHandler[INITIAL_CAPACITY];
  private long[] deadlines = new long[INITIAL_CAPACITY];
  private int size;
  private boolean sweepScheduled;

  JoinDeadlines(EventLoop loop, long timeoutNanos, NanoClock clock) {
    this.loop = loop;
    this.timeoutNanos = timeoutNanos;
    this.clock = clock;
    // A quarter of the timeout, between 10 ms and 1 s: a connection is closed at most that late.
    this.sweepNanos =
        Math.max(
            TimeUnit.MILLISECONDS.toNanos(10),
            Math.min(TimeUnit.SECONDS.toNanos(1), timeoutNanos / 4));
  }

  /** Starts the clock for a new connection. */
  void start(ConnectionHandler handler) {
    assert loop.inEventLoop() : "join deadlines used off their event loop";
    if (size == waiting.length) {
      waiting = Arrays.copyOf(waiting, size * 2);
      deadlines = Arrays.copyOf(deadlines, size * 2);
    }
    waiting[size] = handler;
    deadlines[size] = clock.nanoTime() + timeoutNanos;
    size++;
    scheduleSweep();
  }

  /** The sweep runs only while some connection is waiting: a broker of joined members is quiet. */
  @SuppressWarnings("FutureReturnValueIgnored") // the sweep's only result is its side effect
  private void scheduleSweep() {
    if (!sweepScheduled) {
      sweepScheduled = true;
      loop.schedule(sweepTask, sweepNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Closes the connections whose deadline passed; package-private for tests that move time. */
  void sweep() {
    assert loop.inEventLoop() : "join deadlines used off their event loop";
    sweepScheduled = false;
    long now = clock.nanoTime();
    int kept = 0;
    for (int i = 0; i < size; i++) {
      ConnectionHandler handler = waiting[i];
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
      scheduleSweep();
    }
  }
}
