package io.ringchat.broker.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.ringchat.broker.stats.BrokerCounters;
import java.util.concurrent.Executor;

/**
 * The ring between the I/O threads and the room: a multi-producer Disruptor with one consumer.
 *
 * <p>{@link #tryPublish} is called by I/O threads and never waits: when the ring is full it returns
 * false and the caller keeps the event and stops reading. {@link #start} and {@link #halt} are
 * called by the thread that starts and stops the broker.
 */
public final class InboundRing implements RoomInbox {
  /** The consumer's idle strategies, by their command-line names. */
  public enum Wait {
    /** Spin a few microseconds, then park until a publisher unparks the room (the default). */
    PARK,
    BLOCKING,
    SLEEPING,
    YIELDING,
    BUSY_SPIN;

    public WaitStrategy create() {
      return switch (this) {
        case PARK -> new SpinThenParkWaitStrategy(PARK_SPIN_NANOS);
        case BLOCKING -> new BlockingWaitStrategy();
        case SLEEPING -> new SleepingWaitStrategy();
        case YIELDING -> new YieldingWaitStrategy();
        case BUSY_SPIN -> new BusySpinWaitStrategy();
      };
    }
  }

  /**
   * How long the room spins on an empty ring before it parks: long enough to catch an I/O loop's
   * wake-up right after a hand-over, short enough to leave the I/O thread its core on a small
   * machine. Longer spins only took the core the I/O thread needs (docs/BENCHMARKS.md, "Beside
   * Redis, the C harness", measured against 0, 20 and 100 µs).
   */
  static final long PARK_SPIN_NANOS = 5_000L;

  private final Disruptor<RingEvent> disruptor;
  private final RingBuffer<RingEvent> ring;
  private final WaitStrategy wait;

  /**
   * @param size number of slots, a power of two
   */
  public InboundRing(int size, Wait wait, RoomConsumer consumer, BrokerCounters counters) {
    this(size, wait.create(), consumer, counters);
  }

  /** A ring with any consumer and wait strategy (the cluster link's, which polls on timeouts). */
  public InboundRing(int size, WaitStrategy wait, RingConsumer consumer, BrokerCounters counters) {
    // A FastThreadLocalThread, so that the room's buffer allocations use a per-thread pool cache.
    DefaultThreadFactory threads = new DefaultThreadFactory("ringchat-room", true);
    this.disruptor = new Disruptor<>(RingEvent::new, size, threads, ProducerType.MULTI, wait);
    disruptor.handleEventsWith(consumer);
    disruptor.setDefaultExceptionHandler(new RoomExceptionHandler(counters));
    this.ring = disruptor.getRingBuffer();
    this.wait = wait;
  }

  @Override
  public void deferWakeupsTo(Executor loop) {
    if (wait instanceof SpinThenParkWaitStrategy parking) {
      parking.deferWakeupsTo(loop);
    }
  }

  public void start() {
    disruptor.start();
  }

  /** Stops the consumer thread at once; events still in the ring are not handled. */
  public void halt() {
    disruptor.halt();
  }

  /** Any I/O thread: publishes an event, or returns false at once if the ring is full. */
  @Override
  public boolean tryPublish(EventKind kind, long connection, Object detail) {
    long sequence;
    try {
      sequence = ring.tryNext();
    } catch (InsufficientCapacityException full) { // a shared instance: no stack trace is made
      return false;
    }
    // The slot is this thread's until publish(), which makes the writes visible to the room.
    ring.get(sequence).set(kind, connection, detail);
    ring.publish(sequence);
    return true;
  }
}
