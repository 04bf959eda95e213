package io.ringchat.broker.net;

import io.netty.channel.EventLoop;
import io.ringchat.broker.ring.EventKind;
import io.ringchat.broker.ring.RoomInbox;
import io.ringchat.broker.stats.BrokerCounters;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Publishes the requests of one event loop's connections into the ring, and handles a full ring
 * without waiting and without losing anything: the event is kept in the connection's backlog, the
 * connection stops being read, and one timer for the whole loop retries every paused connection in
 * the order they paused. A connection reads again once its backlog is in the ring.
 *
 * <p>Its event loop only (asserted).
 */
final class RingPublisher {
  /** How soon a loop with connections paused by a full ring tries again. */
  private static final long RETRY_NANOS = TimeUnit.MICROSECONDS.toNanos(50);

  /** An event that did not fit in the ring yet. */
  record Pending(EventKind kind, Object detail) {}

  private final EventLoop loop;
  private final RoomInbox ring;
  private final BrokerCounters counters;
  private final ArrayDeque<ConnectionHandler> paused = new ArrayDeque<>();
  private final Runnable retryTask = this::retry;
  private boolean retryScheduled;

  RingPublisher(EventLoop loop, RoomInbox ring, BrokerCounters counters) {
    this.loop = loop;
    this.ring = ring;
    this.counters = counters;
  }

  /**
   * Publishes {@code kind} for {@code connection}, behind anything it still has waiting; if the
   * ring is full, keeps the event, pauses the connection's reading and schedules a retry.
   */
  void publish(ConnectionHandler connection, EventKind kind, Object detail) {
    assert loop.inEventLoop() : "ring publisher used off its event loop";
    ArrayDeque<Pending> backlog = connection.backlog;
    boolean waiting = backlog != null && !backlog.isEmpty();
    if (!waiting && ring.tryPublish(kind, connection.id(), detail)) {
      return;
    }
    if (backlog == null) {
      backlog = connection.backlog = new ArrayDeque<>(4);
    }
    backlog.add(new Pending(kind, detail));
    if (!waiting) {
      counters.ringFullPause();
      connection.pauseReading();
      paused.add(connection);
      scheduleRetry();
    }
  }

  /** Whether {@code connection} has events waiting for room in the ring. */
  static boolean isWaiting(ConnectionHandler connection) {
    return connection.backlog != null && !connection.backlog.isEmpty();
  }

  @SuppressWarnings("FutureReturnValueIgnored") // the retry's only result is its side effect
  private void scheduleRetry() {
    if (!retryScheduled) {
      retryScheduled = true;
      loop.schedule(retryTask, RETRY_NANOS, TimeUnit.NANOSECONDS);
    }
  }

  private void retry() {
    retryScheduled = false;
    for (ConnectionHandler connection = paused.peek();
        connection != null;
        connection = paused.peek()) {
      ArrayDeque<Pending> backlog = connection.backlog;
      for (Pending head = backlog.peek(); head != null; head = backlog.peek()) {
        if (!ring.tryPublish(head.kind(), connection.id(), head.detail())) {
          scheduleRetry(); // still full: the rest wait, in order
          return;
        }
        backlog.poll();
      }
      paused.poll();
      connection.backlog = null;
      connection.resumeReadingIfAllowed();
    }
  }
}
