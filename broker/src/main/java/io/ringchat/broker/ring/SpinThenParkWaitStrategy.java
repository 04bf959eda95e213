package io.ringchat.broker.ring;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.WaitStrategy;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How the room thread waits for the ring when it has nothing to do: spin for a few microseconds (an
 * event that follows closely is picked up without a system call on either side), then park until a
 * publisher unparks it. Idle, the room costs nothing; busy, it never sleeps.
 *
 * <p>Unlike the Disruptor's blocking strategies, a publisher never takes a lock: an I/O thread that
 * publishes while the room is awake pays one fence and one volatile read; one that finds the room
 * parked pays one {@code unpark}. The waiter and a publisher each write their side, fence, then
 * read the other's (the room: "I am parked", then the cursor; a publisher: the cursor, then "is it
 * parked?"), so at least one of them sees the other and no wake-up is lost.
 *
 * <p>An I/O thread does not wake a parked room at each event it publishes: it asks its own event
 * loop, once per loop iteration, to wake the room after the reads of that iteration ({@link
 * #deferWakeupsTo}). Waking the room at each event cost a futex call and, on a small machine, the
 * I/O thread its core: the woken room preempted it at every message, and each wake-up fed the room
 * one event, so the room handed over small batches and the loop flushed often. Deferred to the end
 * of the reads, one wake-up brings the room everything the iteration read, in one batch, which cut
 * both the broker's CPU and its tail latency at fixed rates (docs/BENCHMARKS.md, "Beside Redis, the
 * C harness"). A wake-up for events published during the reads comes in the same iteration, before
 * its flush: nothing waits for a timer.
 *
 * <p>One consumer only: the room. {@link #waitFor} runs on the room thread, {@link
 * #signalAllWhenBlocking} on any publishing thread (and on the thread that halts the ring).
 */
public class SpinThenParkWaitStrategy implements WaitStrategy {
  /**
   * A safety net, not a timer: a parked room looks again at least this often even if no publisher
   * woke it. Ten wake-ups a second of an idle room cost nothing measurable.
   */
  private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private static final VarHandle PARKED;

  static {
    try {
      PARKED =
          MethodHandles.lookup()
              .findVarHandle(SpinThenParkWaitStrategy.class, "parked", Thread.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final long spinNanos;

  /** The room thread while it is parked or about to park; null while it runs. */
  @SuppressWarnings("unused") // accessed through PARKED
  private volatile Thread parked;

  /**
   * @param spinNanos how long the room spins on an empty ring before it parks
   */
  public SpinThenParkWaitStrategy(long spinNanos) {
    this.spinNanos = spinNanos;
  }

  @Override
  public long waitFor(
      long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
      throws AlertException, TimeoutException {
    long available = dependentSequence.get();
    if (available >= sequence) {
      foundWork();
      return available;
    }
    long spinUntil = System.nanoTime() + spinNanos;
    while ((available = dependentSequence.get()) < sequence) {
      barrier.checkAlert();
      if (System.nanoTime() - spinUntil < 0) {
        Thread.onSpinWait();
        continue;
      }
      PARKED.setVolatile(this, Thread.currentThread());
      VarHandle.fullFence(); // the write above is visible before the cursor is read again
      if (dependentSequence.get() < sequence && !barrier.isAlerted() && mayPark()) {
        LockSupport.parkNanos(this, parkNanos());
      }
      PARKED.setVolatile(this, null);
      unparked();
      if (dependentSequence.get() < sequence) {
        parkedInVain();
      }
    }
    foundWork();
    return available;
  }

  /** How long one park lasts at most. The room's: a safety net, {@link #MAX_PARK_NANOS}. */
  protected long parkNanos() {
    return MAX_PARK_NANOS;
  }

  /**
   * A park ended with the ring still empty. The room just parks again; a consumer with work of its
   * own outside the ring throws {@link TimeoutException} here, to be called back in {@code
   * onTimeout}.
   */
  protected void parkedInVain() throws TimeoutException {
    // park again
  }

  /**
   * Called on the room thread after it said it parks (and fenced) with the ring still empty: false
   * if it must not park after all, as when work outside the ring came meanwhile. Then {@link
   * #parkedInVain} follows as after a park.
   */
  protected boolean mayPark() {
    return true;
  }

  /** After each park (or {@link #mayPark} said no). */
  protected void unparked() {
    // nothing to undo
  }

  /** The ring had events for the consumer. */
  protected void foundWork() {
    // nothing to adapt
  }

  /** Per publishing thread that asked for it: its event loop's deferred wake-up. */
  private final FastThreadLocal<DeferredWake> deferred = new FastThreadLocal<>();

  /**
   * Called on a publishing thread: from now on, when this thread finds the room parked, the room is
   * woken by one task on {@code loop} (this thread's own event loop, whose tasks run after the
   * reads of its current iteration) instead of at once. Several events published in one iteration
   * then cost one wake-up.
   */
  public void deferWakeupsTo(Executor loop) {
    deferred.set(new DeferredWake(loop));
  }

  @Override
  public void signalAllWhenBlocking() {
    VarHandle.fullFence(); // the publication is visible before "is it parked?" is read
    if (PARKED.getVolatile(this) != null) {
      DeferredWake wake = deferred.getIfExists();
      if (wake != null) {
        wake.request();
      } else {
        wakeParked();
      }
    }
  }

  /** Unparks the room if it is parked (it clears the flag itself when it wakes on its own). */
  private void wakeParked() {
    Thread room = (Thread) PARKED.getAndSet(this, null);
    if (room != null) {
      LockSupport.unpark(room);
    }
  }

  /**
   * One event loop's pending wake-up of the room: queued once, however many events the loop
   * publishes before it runs. Its loop's thread only.
   */
  private final class DeferredWake implements Runnable {
    private final Executor loop;
    private boolean queued;

    DeferredWake(Executor loop) {
      this.loop = loop;
    }

    void request() {
      if (!queued) {
        queued = true;
        loop.execute(this); // from the loop itself: queued, no wake-up of the loop needed
      }
    }

    @Override
    public void run() {
      queued = false;
      wakeParked();
    }
  }

  @Override
  public String toString() {
    return "SpinThenParkWaitStrategy{spinNanos=" + spinNanos + "}";
  }
}
