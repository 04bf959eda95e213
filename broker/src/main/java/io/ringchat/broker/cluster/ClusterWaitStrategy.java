package io.ringchat.broker.cluster;

import com.lmax.disruptor.TimeoutException;
import io.ringchat.broker.ring.SpinThenParkWaitStrategy;

/**
 * How the cluster link waits on an empty ring: as the single broker's room does (spin briefly, then
 * park until a publisher unparks it, no lock for publishers), except that egress from the cluster
 * arrives without a publisher to wake anybody. So each park is short and ends in a timeout, which
 * the link spends polling egress; the park doubles from 50 µs to 1 ms while nothing happens, and
 * starts short again after any work (an event, or egress: {@link #busy}).
 *
 * <p>One consumer only: {@link #waitFor} and {@link #busy} run on the link's thread.
 */
public final class ClusterWaitStrategy extends SpinThenParkWaitStrategy {
  private final long firstParkNs;
  private final long maxParkNs;

  // The link's thread only.
  private long parkNanos;

  /** Spins, parks and its longest park as {@code ctx} says. */
  public ClusterWaitStrategy(ClusterContext ctx) {
    super(ctx.linkSpinNs());
    this.firstParkNs = ctx.linkFirstParkNs();
    this.maxParkNs = ctx.linkMaxParkNs();
    this.parkNanos = firstParkNs;
  }

  /** The link found work outside the ring (egress): wait briefly next time. */
  void busy() {
    parkNanos = firstParkNs;
  }

  @Override
  protected long parkNanos() {
    return parkNanos;
  }

  @Override
  protected void parkedInVain() throws TimeoutException {
    parkNanos = Math.min(parkNanos * 2, maxParkNs);
    throw TimeoutException.INSTANCE; // the link polls egress, then waits again
  }

  @Override
  protected void foundWork() {
    parkNanos = firstParkNs;
  }
}
