package io.ringchat.broker.cluster;

import com.lmax.disruptor.TimeoutException;
import io.ringchat.broker.ring.SpinThenParkWaitStrategy;
import java.util.concurrent.locks.LockSupport;

/**
 * How the cluster link waits on an empty ring: as the single broker's room does (spin briefly, then
 * park until a publisher unparks it, no lock for publishers), except that egress from the cluster
 * arrives without a publisher to wake anybody. So the link also sleeps in its process's {@link
 * WakeGroup}: the media driver wakes it when a packet with data arrived, and each park ends, at the
 * latest, after the member's idle sleep; the link then polls egress ({@link ClusterLink#onTimeout}
 * of the link). It does not park if work was done in the group since its last poll ({@link
 * #polling}).
 *
 * <p>One consumer only: everything but the group's wake-up runs on the link's thread.
 */
public final class ClusterWaitStrategy extends SpinThenParkWaitStrategy {
  private final long maxParkNs;
  private final long briefParkNs;
  private final Sleeper sleeper;
  private boolean brief;

  // Set on the link's thread at its first poll, before it joins the group (which publishes it).
  private Thread thread;

  /** Spins, parks and its longest park as {@code ctx} says, in {@code ctx}'s group. */
  public ClusterWaitStrategy(ClusterContext ctx) {
    super(ctx.linkSpinNs());
    this.maxParkNs = ctx.idleSleepNs();
    this.briefParkNs = ctx.urgentSleepNs();
    this.sleeper = new Sleeper(ctx.wakes());
  }

  /**
   * The link is about to poll egress: it will have seen every work done in the group so far. While
   * {@code awaitingEgress} (its ingress waits for an answer) any agent's work wakes it too ({@link
   * WakeGroup#AGENT_WORK}), else only egress that arrived.
   */
  void polling(boolean awaitingEgress) {
    if (thread == null) {
      thread = Thread.currentThread();
      sleeper.group.register(sleeper);
    }
    sleeper.alsoWakenBy(awaitingEgress ? WakeGroup.AGENT_WORK : 0);
    sleeper.looking();
  }

  /**
   * Whether the link waits for something that wakes nobody when it happens (a new leader's ingress
   * connecting): it then parks briefly, not the member's idle sleep, until told otherwise.
   */
  void briefly(boolean brief) {
    this.brief = brief;
  }

  @Override
  protected long parkNanos() {
    return brief ? briefParkNs : maxParkNs;
  }

  @Override
  protected boolean mayPark() {
    return thread == null || sleeper.fallAsleep();
  }

  @Override
  protected void unparked() {
    sleeper.awake();
  }

  @Override
  protected void parkedInVain() throws TimeoutException {
    throw TimeoutException.INSTANCE; // the link polls egress, then waits again
  }

  private final class Sleeper extends WakeGroup.Sleeper {
    Sleeper(WakeGroup group) {
      super(group, WakeGroup.LINK);
    }

    @Override
    void wake() {
      LockSupport.unpark(thread);
    }
  }
}
