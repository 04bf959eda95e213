package io.ringchat.broker.cluster;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.agrona.concurrent.IdleStrategy;

/**
 * An Aeron agent's idle strategy in its process's {@link WakeGroup}: after work, a few spins and
 * yields ({@link BackOff}: work that follows closely is picked up without a sleep), then one long
 * sleep that ends when the group wakes it, or after {@code sleepNs} ({@code urgentSleepNs} while
 * {@code urgent} says the member's timers matter). What it does when its agent did work, how it
 * sleeps and how it is woken are its subclass's: {@link AgentIdleStrategy} parks, {@link
 * DriverIdleStrategy} waits on the driver's sockets.
 *
 * <p>Aeron's own back-off parks from microseconds up to its longest park after every piece of work,
 * so that it finds the next message soon; here the group says when there is one, and an agent that
 * is woken and finds nothing sleeps long again at once.
 *
 * <p>Its agent's thread only, except {@link #wake} (any thread).
 */
abstract class SleepingIdleStrategy extends WakeGroup.Sleeper implements IdleStrategy {
  /**
   * A wait in a loop of Aeron's own ({@link #idle()}, e.g. for back pressure) parks at most this.
   */
  private static final long LOOP_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

  private final BackOff backOff;
  private final long sleepNs;
  private final BooleanSupplier urgent;
  private final long urgentSleepNs;

  // The agent's thread only.
  private boolean registered;

  SleepingIdleStrategy(
      WakeGroup group,
      int role,
      int spins,
      int yields,
      long sleepNs,
      BooleanSupplier urgent,
      long urgentSleepNs) {
    super(group, role);
    this.backOff = new BackOff(spins, yields);
    this.sleepNs = sleepNs;
    this.urgent = urgent;
    this.urgentSleepNs = urgentSleepNs;
  }

  @Override
  public final void idle(int workCount) {
    if (!registered) { // the first call: work before it is taken as seen
      registered = true;
      joining();
      group.register(this);
      looking();
    }
    if (workCount > 0) {
      didWork();
      backOff.reset();
    } else if (!backOff.step()) {
      if (fallAsleep()) {
        sleep(urgent.getAsBoolean() ? urgentSleepNs : sleepNs);
      }
      awake();
    }
    looking(); // what the next doWork will have seen
  }

  @Override
  public final void idle() {
    if (!backOff.step()) {
      LockSupport.parkNanos(this, Math.min(sleepNs, LOOP_PARK_NS));
    }
  }

  @Override
  public final void reset() {
    backOff.reset();
  }

  /** On the agent's thread, before it joins the group: a subclass notes what wakes it. */
  void joining() {
    // nothing to note
  }

  /** The agent did work: whom it wakes. */
  abstract void didWork();

  /** Sleeps up to {@code ns} or until {@link #wake}. */
  abstract void sleep(long ns);
}
