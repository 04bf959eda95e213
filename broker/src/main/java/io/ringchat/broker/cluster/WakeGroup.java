package io.ringchat.broker.cluster;

import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

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
 * <p>No wake-up is lost: a {@link Sleeper} marks itself asleep, fences, and sleeps only if the work
 * count of its role has not moved since it last looked for work; a thread that did work counts it
 * for each role it may concern, fences, and wakes every sleeper of those roles marked asleep.
 * Whichever comes second sees the other. The counts are per role so that work for others does not
 * keep a sleeper awake: with one count for all, a room busy with 1,500 messages a second kept every
 * thread of a member looking again and again (docs/BENCHMARKS.md).
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

  /**
   * Not a thread: what a link that waits for egress also sleeps on. While its ingress waits for an
   * answer, the link is woken by every agent's work, as every thread was before the counts were per
   * role: under load the answer is close behind, and a link that slept until the driver woke it for
   * the egress itself read it 1 to 2 ms later on average at max rate, and the cluster's max rate
   * fell by a fifth (docs/BENCHMARKS.md).
   */
  static final int AGENT_WORK = 32;

  static final int ALL = DRIVER | CONSENSUS | ARCHIVE | ROOM | LINK | AGENT_WORK;

  /**
   * What an agent's work (the consensus module's, the archive's, the room's) may give the others to
   * act on: not the link's, which reads only egress, and egress reaches it only through the driver
   * (UDP, even from this process's own room), which wakes it when it arrives; unless the link waits
   * for an answer ({@link #AGENT_WORK}).
   */
  static final int AFTER_AGENT_WORK = DRIVER | CONSENSUS | ARCHIVE | ROOM | AGENT_WORK;

  /** Work done for each role, by role bit: a sleeper compares only its own before it sleeps. */
  private final AtomicLongArray work = new AtomicLongArray(Integer.SIZE);

  private volatile Sleeper[] sleepers = new Sleeper[0];

  /** Until when (System.nanoTime) the group's threads that run timers sleep briefly. */
  private final AtomicLong urgentUntilNs = new AtomicLong(System.nanoTime());

  /**
   * A stream ended (a stopping leader's log, a broker's session): what follows goes from step to
   * step on Aeron's timers, so for {@code ns} the threads that run them sleep briefly ({@link
   * #urgent}).
   */
  void urgentFor(long ns) {
    // A later call never shortens an earlier one's moment (the driver's and a stopping thread's).
    urgentUntilNs.accumulateAndGet(
        System.nanoTime() + ns, (now, until) -> until - now > 0 ? until : now);
  }

  /**
   * The member stops: for {@code ns} every thread sleeps briefly, and each asleep now wakes.
   * Closing a part of the member waits until its thread sees that it must stop, which a thread
   * asleep for the idle sleep sees only when that ends.
   */
  void stopping(long ns) {
    urgentFor(ns);
    workDone(null, ALL);
  }

  /** Whether a stream ended a moment ago ({@link #urgentFor}). */
  boolean urgent() {
    return System.nanoTime() - urgentUntilNs.get() < 0;
  }

  /** How often work was done in the group for {@code roles}: a sleeper compares it to sleep. */
  long work(int roles) {
    long sum = 0;
    for (int left = roles; left != 0; left &= left - 1) {
      sum += work.get(Integer.numberOfTrailingZeros(left));
    }
    return sum;
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

  /** {@code source} did work that only the sleepers of the {@code roles} may have to act on. */
  void workDone(Sleeper source, int roles) {
    for (int left = roles; left != 0; left &= left - 1) {
      // Each a full fence: counted before "asleep?" is read.
      work.incrementAndGet(Integer.numberOfTrailingZeros(left));
    }
    for (Sleeper sleeper : sleepers) {
      if (sleeper != source && (sleeper.roles & roles) != 0 && sleeper.asleep()) {
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

    /** What wakes it: its role, and for a link that waits for egress {@link #AGENT_WORK} too. */
    private volatile int roles;

    private volatile boolean asleep;

    /** The group's work count for its role when it last looked for work; its own thread only. */
    private long seen;

    Sleeper(WakeGroup group, int role) {
      this.group = group;
      this.role = role;
      this.roles = role;
    }

    final boolean asleep() {
      return asleep;
    }

    /**
     * From its next look on, it is woken by the work for its role and {@code also} ({@link
     * #AGENT_WORK} or 0); its own thread, before it looks.
     */
    final void alsoWakenBy(int also) {
      int wanted = role | also;
      if (roles != wanted) {
        roles = wanted; // a volatile write only when it changes: the link calls this every look
      }
    }

    /** It is about to look for work: it will have seen every work done in the group so far. */
    final void looking() {
      seen = group.work(roles);
    }

    /**
     * Marks this sleeper asleep and says whether it may sleep: only if no work for its role was
     * done in the group since it last looked ({@link #looking}). The caller sleeps if so, then
     * calls {@link #awake}.
     */
    final boolean fallAsleep() {
      asleep = true;
      VarHandle.fullFence(); // marked before the work count is read
      return group.work(roles) == seen;
    }

    final void awake() {
      asleep = false;
    }

    /** Ends the sleep now, or the next one at once if it has not begun; any thread. */
    abstract void wake();
  }
}
