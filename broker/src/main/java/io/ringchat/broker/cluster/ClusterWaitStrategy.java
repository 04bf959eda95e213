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
  private static final long SPIN_NANOS = 5_000;
  private static final long FIRST_PARK_NANOS = 50_000;
  private static final long MAX_PARK_NANOS = 1_000_000;

  // The link's thread only.
  private long parkNanos = FIRST_PARK_NANOS;

  public ClusterWaitStrategy() {
    super(SPIN_NANOS);
  }

  /** The link found work outside the ring (egress): wait briefly next time. */
  void busy() {
    parkNanos = FIRST_PARK_NANOS;
  }

  @Override
  protected long parkNanos() {
    return parkNanos;
  }

  @Override
  protected void parkedInVain() throws TimeoutException {
    parkNanos = Math.min(parkNanos * 2, MAX_PARK_NANOS);
    throw TimeoutException.INSTANCE; // the link polls egress, then waits again
  }

  @Override
  protected void foundWork() {
    parkNanos = FIRST_PARK_NANOS;
  }
}
