package io.ringchat.broker.cluster;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The idle strategy of the archive, the consensus module and the clustered room ({@link
 * SleepingIdleStrategy}): it parks when it sleeps, and an agent that did work wakes the others.
 */
final class AgentIdleStrategy extends SleepingIdleStrategy {

  // Set on the agent's thread before it joins the group (which publishes it to the wakers).
  private Thread thread;

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
    super(group, role, spins, yields, sleepNs, urgent, urgentSleepNs);
  }

  @Override
  void joining() {
    thread = Thread.currentThread();
  }

  @Override
  void didWork() {
    group.workDone(this, WakeGroup.AFTER_AGENT_WORK);
  }

  @Override
  void sleep(long ns) {
    LockSupport.parkNanos(this, ns);
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
