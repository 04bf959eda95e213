package io.ringchat.broker.cluster;

import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The threads of one process's part of the cluster (the media driver, the archive, the consensus
 * module, the clustered room and the broker's link), which sleep long when idle and wake each other
 * when one of them has done something the others may have to act on.
 *
 * <p>Aeron's agents find work only by looking: a message that one of them hands to the next (the
 * link's ingress to the driver, the driver's received log to the consensus module and the room) is
 * seen when the next one looks again. With each agent looking every millisecond an idle member cost
 * 7 to 9% of a core (about 6,000 wake-ups a second, docs/BENCHMARKS.md); looking less often made a
 * quiet room's latency grow with the sleep. Here a thread that did work wakes the sleeping others
 * at once, and the driver wakes when a packet arrives ({@link DriverIdleStrategy}), so each can
 * sleep long when nothing happens and a message still goes through without waiting out a sleep.
 *
 * <p>No wake-up is lost: a {@link Sleeper} marks itself asleep, fences, and sleeps only if the
 * group's work count has not moved since it last looked for work; a thread that did work counts it,
 * fences, and wakes every sleeper marked asleep. Whichever comes second sees the other.
 *
 * <p>Thread-safe; a sleeper registers itself from its own thread.
 */
public final class WakeGroup {
  // What each sleeper is, so that the driver wakes only the readers of what arrived.
  static final int DRIVER = 1;
  static final int CONSENSUS = 2;
  static final int ARCHIVE = 4;
  static final int ROOM = 8;
  static final int LINK = 16;
  static final int ALL = DRIVER | CONSENSUS | ARCHIVE | ROOM | LINK;

  private final AtomicLong work = new AtomicLong();
  private volatile Sleeper[] sleepers = new Sleeper[0];

  /** Until when (System.nanoTime) the group's threads that run timers sleep briefly. */
  private volatile long urgentUntilNs = System.nanoTime();

  /**
   * A stream ended (a stopping leader's log, a broker's session): what follows goes from step to
   * step on Aeron's timers, so for {@code ns} the threads that run them sleep briefly ({@link
   * #urgent}).
   */
  void urgentFor(long ns) {
    urgentUntilNs = System.nanoTime() + ns;
  }

  /** Whether a stream ended a moment ago ({@link #urgentFor}). */
  boolean urgent() {
    return System.nanoTime() - urgentUntilNs < 0;
  }

  /** How often work was done in the group: a sleeper compares it before it sleeps. */
  long work() {
    return work.get();
  }

  synchronized void register(Sleeper sleeper) {
    Sleeper[] now = sleepers;
    Sleeper[] more = Arrays.copyOf(now, now.length + 1);
    more[now.length] = sleeper;
    sleepers = more;
  }

  /** Something was handed to the media driver to send (by a client of it): only it must wake. */
  void toDriver() {
    workDone(null, DRIVER);
  }

  /** {@code source} did work the others may have to act on: the sleeping ones wake. */
  void workDone(Sleeper source) {
    workDone(source, ALL);
  }

  /** {@code source} did work that only the sleepers of the {@code roles} may have to act on. */
  void workDone(Sleeper source, int roles) {
    work.incrementAndGet(); // a full fence: counted before "asleep?" is read
    for (Sleeper sleeper : sleepers) {
      if (sleeper != source && (sleeper.role & roles) != 0 && sleeper.asleep()) {
        sleeper.wake();
      }
    }
  }

  /** A thread of the group that sleeps when idle until its longest sleep ends or it is woken. */
  abstract static class Sleeper {
    /** The group it sleeps in. */
    final WakeGroup group;

    /** What it is: one of {@link #DRIVER}, {@link #CONSENSUS}, ... */
    private final int role;

    private volatile boolean asleep;

    /** The group's work count when it last looked for work; its own thread only. */
    private long seen;

    Sleeper(WakeGroup group, int role) {
      this.group = group;
      this.role = role;
    }

    final boolean asleep() {
      return asleep;
    }

    /** It is about to look for work: it will have seen every work done in the group so far. */
    final void looking() {
      seen = group.work();
    }

    /**
     * Marks this sleeper asleep and says whether it may sleep: only if no work was done in the
     * group since it last looked ({@link #looking}). The caller sleeps if so, then calls {@link
     * #awake}.
     */
    final boolean fallAsleep() {
      asleep = true;
      VarHandle.fullFence(); // marked before the work count is read
      return group.work() == seen;
    }

    final void awake() {
      asleep = false;
    }

    /** Ends the sleep now, or the next one at once if it has not begun; any thread. */
    abstract void wake();
  }
}
