package io.ringchat.broker.net;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One flood-control rate: so many units (lines, bytes, joins) per second, with a burst of {@link
 * #BURST_SECONDS} seconds' worth. It is the generic cell rate algorithm (GCRA), a token bucket kept
 * as a single number: the time at which everything spent so far will have been paid off. That one
 * number fits in one atomic field, so a pace shared by the connections of an address, on any I/O
 * thread, needs no lock, and a connection's own pace costs an uncontended compare-and-set.
 *
 * <p>Nothing is ever refused: spending always succeeds and may go into debt; the caller then stops
 * reading the connection for {@link #spend}'s answer, so the debt is at most what was read before
 * the pause took effect (one line, as {@link ConnectionHandler} reads).
 *
 * <p>Times are {@code System.nanoTime()} values, passed in, so a test drives it with a fake clock.
 */
final class Pace {
  /** The burst: a paste of this many seconds' worth goes through at once. */
  static final int BURST_SECONDS = 5;

  private static final VarHandle PAID_OFF_AT;

  static {
    try {
      PAID_OFF_AT = MethodHandles.lookup().findVarHandle(Pace.class, "paidOffAt", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final long nanosPerUnit;
  private final long burstNanos;

  /** When everything spent so far is paid off; at or before now: nothing owed. */
  @SuppressWarnings("UnusedVariable") // read and written through PAID_OFF_AT
  private volatile long paidOffAt;

  /**
   * @param unitsPerSecond the sustained rate, 1 to 1,000,000,000
   */
  Pace(long unitsPerSecond, long nowNanos) {
    if (unitsPerSecond < 1 || unitsPerSecond > 1_000_000_000L) {
      throw new IllegalArgumentException("rate out of range: " + unitsPerSecond);
    }
    this.nanosPerUnit = 1_000_000_000L / unitsPerSecond;
    this.burstNanos = BURST_SECONDS * 1_000_000_000L;
    this.paidOffAt = nowNanos;
  }

  /** The burst, in units: what may be spent at once after a quiet spell. */
  long burstUnits() {
    return burstNanos / nanosPerUnit;
  }

  /**
   * Spends {@code units} now. Returns 0 while within the burst; otherwise how long, from now, until
   * the pace is back within it: the time not to read for.
   */
  long spend(long units, long nowNanos) {
    long cost = units * nanosPerUnit;
    while (true) {
      long owed = paidOffAt;
      long next = Math.max(owed, nowNanos) + cost;
      if (PAID_OFF_AT.compareAndSet(this, owed, next)) {
        return Math.max(0, next - burstNanos - nowNanos);
      }
    }
  }

  /** How long from now until the pace is back within its burst (0: it is). */
  long nanosUntilClear(long nowNanos) {
    return Math.max(0, paidOffAt - burstNanos - nowNanos);
  }

  /** How long from now until nothing is owed at all: the pace is then as good as new. */
  long nanosUntilPaidOff(long nowNanos) {
    return Math.max(0, paidOffAt - nowNanos);
  }
}
