package io.ringchat.broker.cluster;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.agrona.concurrent.IdleStrategy;

/**
 * The {@link ClusterWatcher}'s idle strategy: a look every watch interval, and every urgent sleep
 * while {@code urgent} says the member's state moves on timers (an election, a stream that ended,
 * the member stopping). The role the watcher reports (the ready file, {@code /healthz}) then
 * follows an election's end within about that sleep, not up to a watch interval late, and a
 * stopping member's watcher, unparked, stops at once instead of finishing its sleep.
 *
 * <p>The watcher's thread only; the thread that stops the member unparks it.
 */
final class WatcherIdleStrategy implements IdleStrategy {
  private final long sleepNs;
  private final BooleanSupplier urgent;
  private final long urgentSleepNs;

  WatcherIdleStrategy(long sleepNs, BooleanSupplier urgent, long urgentSleepNs) {
    this.sleepNs = sleepNs;
    this.urgent = urgent;
    this.urgentSleepNs = urgentSleepNs;
  }

  @Override
  public void idle(int workCount) {
    if (workCount == 0) {
      idle();
    }
  }

  @Override
  public void idle() {
    LockSupport.parkNanos(this, urgent.getAsBoolean() ? urgentSleepNs : sleepNs);
  }

  @Override
  public void reset() {}

  @Override
  public String alias() {
    return "ringchat-watcher";
  }
}
