package io.ringchat.broker.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.IntUnaryOperator;
import org.agrona.concurrent.IdleStrategy;

/**
 * The idle strategy of a member's media driver (one thread, Aeron's shared mode): when it finds no
 * work (after the spins and yields it is given, none in a member), it sleeps in a selector on the
 * driver's own UDP sockets ({@link WakingEndpoints} add each as it opens), so a packet from another
 * member or broker wakes it at once, and so does a thread of its {@link WakeGroup} that handed it
 * something to send. When a packet that carries data arrived (not a heartbeat), it wakes the
 * threads that read its stream.
 *
 * <p>A socket it missed (a kind of endpoint Aeron opens elsewhere) costs only latency: the sleep
 * still ends after its longest, as Aeron's park did.
 *
 * <p>The driver's thread only, except {@link #wake} and {@link #close}.
 */
final class DriverIdleStrategy extends WakeGroup.Sleeper implements IdleStrategy, AutoCloseable {
  private static final long LOOP_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

  /** How long the member's timers matter after a stream ended. */
  private static final long STREAM_CHANGE_NS = TimeUnit.MILLISECONDS.toNanos(500);

  private final WakeGroup group;
  private final BackOff backOff;
  private final long sleepMs;
  private final Selector selector;
  private final BooleanSupplier urgent;
  private final long urgentSleepMs;
  private final IntUnaryOperator readers;

  // The driver's thread only.
  private boolean registered;

  /** The readers of what arrived since the driver last woke them. */
  private int toWake;

  private long seen;

  DriverIdleStrategy(WakeGroup group, int spins, int yields, long sleepNs) {
    this(group, spins, yields, sleepNs, () -> false, sleepNs, stream -> WakeGroup.ALL);
  }

  /**
   * Sleeps {@code urgentSleepNs} instead while {@code urgent} says so (its timers matter then);
   * {@code readers} says which of the group read a stream id ({@link WakeGroup#CONSENSUS}, ...).
   */
  DriverIdleStrategy(
      WakeGroup group,
      int spins,
      int yields,
      long sleepNs,
      BooleanSupplier urgent,
      long urgentSleepNs,
      IntUnaryOperator readers) {
    super(WakeGroup.DRIVER);
    this.group = group;
    this.readers = readers;
    this.backOff = new BackOff(spins, yields);
    this.sleepMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(sleepNs));
    this.urgent = urgent;
    this.urgentSleepMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(urgentSleepNs));
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the cluster driver's selector", e);
    }
  }

  /** Wakes the driver when {@code channel} can be read; the driver's thread (it opens sockets). */
  void watch(DatagramChannel channel) {
    if (channel == null) {
      return;
    }
    try {
      channel.register(selector, SelectionKey.OP_READ);
    } catch (IOException | RuntimeException e) {
      // A socket not watched is read after the longest sleep, as every socket was before.
    }
  }

  /** A packet with data of stream {@code streamId} arrived: its readers must wake. */
  void dataArrived(int streamId) {
    toWake |= readers.applyAsInt(streamId);
  }

  /**
   * A stream ended: its reader must wake, and for a moment the member's timers matter (an image is
   * drained on the driver's timers, and an election follows a leader's end).
   */
  void streamEnded() {
    toWake = WakeGroup.ALL;
    group.urgentFor(STREAM_CHANGE_NS);
  }

  @Override
  public void idle(int workCount) {
    if (!registered) {
      registered = true; // the first call: work before it is taken as seen
      group.register(this);
      seen = group.work();
    }
    if (workCount > 0) {
      if (toWake != 0) {
        group.workDone(this, toWake);
        toWake = 0;
      }
      backOff.reset();
    } else if (!backOff.step()) {
      if (fallAsleep(group, seen)) {
        sleep();
      }
      awake();
    }
    seen = group.work();
  }

  private void sleep() {
    try {
      // The driver reads the sockets itself.
      selector.select(key -> {}, urgent.getAsBoolean() ? urgentSleepMs : sleepMs);
    } catch (IOException | RuntimeException e) {
      LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(sleepMs));
    }
  }

  @Override
  public void idle() {
    if (!backOff.step()) {
      LockSupport.parkNanos(this, Math.min(TimeUnit.MILLISECONDS.toNanos(sleepMs), LOOP_PARK_NS));
    }
  }

  @Override
  public void reset() {
    backOff.reset();
  }

  @Override
  void wake() {
    selector.wakeup();
  }

  @Override
  public void close() {
    try {
      selector.close();
    } catch (IOException e) {
      // nothing held
    }
  }

  @Override
  public String alias() {
    return "ringchat-driver";
  }
}
