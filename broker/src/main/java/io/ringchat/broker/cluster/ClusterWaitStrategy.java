package io.ringchat.broker.cluster;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * How the cluster link waits on an empty ring: like the single broker's room (spin briefly, then
 * park until a publisher unparks it, no lock for publishers), except that egress from the cluster
 * arrives without a publisher to wake anybody. So each park is short and ends in a timeout, which
 * the link spends polling egress; the park doubles from 50 µs to 1 ms while nothing happens, and
 * starts short again after any work (an event, or egress: {@link #busy}).
 *
 * <p>One consumer only. {@link #waitFor} and {@link #busy} run on the link's thread, {@link
 * #signalAllWhenBlocking} on publishing threads.
 */
public final class ClusterWaitStrategy implements WaitStrategy {
  private static final long SPIN_NANOS = 5_000;
  private static final long FIRST_PARK_NANOS = 50_000;
  private static final long MAX_PARK_NANOS = 1_000_000;

  private static final VarHandle PARKED;

  static {
    try {
      PARKED =
          MethodHandles.lookup().findVarHandle(ClusterWaitStrategy.class, "parked", Thread.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @SuppressWarnings("unused") // accessed through PARKED
  private volatile Thread parked;

  // The link's thread only.
  private long parkNanos = FIRST_PARK_NANOS;

  /** The link found work outside the ring (egress): wait briefly next time. */
  void busy() {
    parkNanos = FIRST_PARK_NANOS;
  }

  @Override
  public long waitFor(
      long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
      throws AlertException, TimeoutException {
    long available = dependentSequence.get();
    if (available >= sequence) {
      parkNanos = FIRST_PARK_NANOS;
      return available;
    }
    long spinUntil = System.nanoTime() + SPIN_NANOS;
    while ((available = dependentSequence.get()) < sequence) {
      barrier.checkAlert();
      if (System.nanoTime() - spinUntil < 0) {
        Thread.onSpinWait();
        continue;
      }
      PARKED.setVolatile(this, Thread.currentThread());
      VarHandle.fullFence();
      if (dependentSequence.get() < sequence && !barrier.isAlerted()) {
        LockSupport.parkNanos(this, parkNanos);
      }
      PARKED.setVolatile(this, null);
      if (dependentSequence.get() < sequence) {
        parkNanos = Math.min(parkNanos * 2, MAX_PARK_NANOS);
        throw TimeoutException.INSTANCE; // the link polls egress, then waits again
      }
    }
    parkNanos = FIRST_PARK_NANOS;
    return available;
  }

  @Override
  public void signalAllWhenBlocking() {
    VarHandle.fullFence();
    if (PARKED.getVolatile(this) != null) {
      Thread link = (Thread) PARKED.getAndSet(this, null);
      if (link != null) {
        LockSupport.unpark(link);
      }
    }
  }
}
