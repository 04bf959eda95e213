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
final class DriverIdleStrategy extends SleepingIdleStrategy implements AutoCloseable {
  /** How long the member's timers matter after a stream ended. */
  private static final long STREAM_CHANGE_NS = TimeUnit.MILLISECONDS.toNanos(500);

  private final Selector selector;
  private final IntUnaryOperator readers;

  /** The readers of what arrived since the driver last woke them; the driver's thread only. */
  private int toWake;

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
    super(group, WakeGroup.DRIVER, spins, yields, sleepNs, urgent, urgentSleepNs);
    this.readers = readers;
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
  void didWork() {
    if (toWake != 0) {
      group.workDone(this, toWake);
      toWake = 0;
    }
  }

  @Override
  void sleep(long ns) {
    try {
      // The driver reads the sockets itself.
      selector.select(key -> {}, Math.max(1, TimeUnit.NANOSECONDS.toMillis(ns)));
    } catch (IOException | RuntimeException e) {
      LockSupport.parkNanos(this, ns);
    }
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
