package io.ringchat.broker.net;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code --max-clients} limit: how many connections may be open at once. Any I/O thread; one
 * atomic add per connect and per close, never on the message path.
 */
final class ConnectionLimit {
  private final int max;
  private final AtomicInteger open = new AtomicInteger();

  ConnectionLimit(int max) {
    this.max = max;
  }

  /** Takes a place, or returns false (taking nothing) if the broker is full. */
  boolean tryAcquire() {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      return false;
    }
    return true;
  }

  void release() {
    open.decrementAndGet();
  }
}
