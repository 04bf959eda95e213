package io.ringchat.broker.cluster;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.agrona.concurrent.IdleStrategy;

/**
 * The idle strategy of the archive, the consensus module and the clustered room: after work, a few
 * spins and yields (work that follows closely is picked up without a sleep), then one long sleep
 * that the {@link WakeGroup} ends as soon as another thread of the member did work. An agent that
 * did work wakes the others.
 *
 * <p>Aeron's own back-off parks from microseconds up to its longest park after every piece of work,
 * so that it finds the next message soon; here the group says when there is one, and an agent that
 * is woken and finds nothing sleeps long again at once.
 *
 * <p>Its agent's thread only, except {@link #wake}.
 */
final class AgentIdleStrategy extends WakeGroup.Sleeper implements IdleStrategy {
  /**
   * A wait in a loop of Aeron's own ({@link #idle()}, e.g. for back pressure) parks at most this.
   */
  private static final long LOOP_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

  private final WakeGroup group;
  private final BackOff backOff;
  private final long sleepNs;

  // The agent's thread only.
  private Thread thread;
  private long seen;

  /** While true, the sleep is {@link #urgentSleepNs} instead. */
  private final BooleanSupplier urgent;

  private final long urgentSleepNs;

  AgentIdleStrategy(WakeGroup group, int role, int spins, int yields, long sleepNs) {
    this(group, role, spins, yields, sleepNs, () -> false, sleepNs);
  }

  /** Sleeps {@code urgentSleepNs} instead while {@code urgent} says so. */
  AgentIdleStrategy(
      WakeGroup group,
      int role,
      int spins,
      int yields,
      long sleepNs,
      BooleanSupplier urgent,
      long urgentSleepNs) {
    super(role);
    this.group = group;
    this.backOff = new BackOff(spins, yields);
    this.sleepNs = sleepNs;
    this.urgent = urgent;
    this.urgentSleepNs = urgentSleepNs;
  }

  @Override
  public void idle(int workCount) {
    if (thread == null) { // the first call: work before it is taken as seen
      thread = Thread.currentThread();
      group.register(this);
      seen = group.work();
    }
    if (workCount > 0) {
      group.workDone(this);
      backOff.reset();
    } else if (!backOff.step()) {
      if (fallAsleep(group, seen)) {
        LockSupport.parkNanos(this, urgent.getAsBoolean() ? urgentSleepNs : sleepNs);
      }
      awake();
    }
    seen = group.work(); // what the next doWork will have seen
  }

  @Override
  public void idle() {
    if (!backOff.step()) {
      LockSupport.parkNanos(this, Math.min(sleepNs, LOOP_PARK_NS));
    }
  }

  @Override
  public void reset() {
    backOff.reset();
  }

  @Override
  void wake() {
    LockSupport.unpark(thread);
  }

  @Override
  public String alias() {
    return "ringchat-agent";
  }
}
