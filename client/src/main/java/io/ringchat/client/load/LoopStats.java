package io.ringchat.client.load;

import org.HdrHistogram.Histogram;

/**
 * What the connections of one event loop observed. Confined to that loop's thread while the run
 * goes on; read by the main thread only after a task on the loop has handed it over.
 */
final class LoopStats {
  /** The longest time the histograms record: 60 s, in microseconds. */
  private static final long MAX_MICROS = 60_000_000L;

  /** Latencies up to 60 s in microseconds, 3 significant digits. */
  final Histogram latencyMicros = new Histogram(MAX_MICROS, 3);

  /**
   * The same for messages sent before measuring, never reported: recording them too makes the
   * recording path hot (compiled) before the measured messages arrive, instead of being compiled,
   * and deoptimised, while they are measured.
   */
  final Histogram unmeasuredLatencyMicros = new Histogram(MAX_MICROS, 3);

  /** Fixed rate: how late each measured message was sent against its schedule, in microseconds. */
  final Histogram sendLagMicros = new Histogram(MAX_MICROS, 3);

  /** Records {@code nanos} into {@code histogram} in microseconds, clamped to 0 .. 60 s. */
  static void record(Histogram histogram, long nanos) {
    histogram.recordValue(Math.max(0, Math.min(nanos / 1_000, MAX_MICROS)));
  }

  long delivered;
  long measuredDelivered;
  long outOfOrder;
  long selfDeliveries;

  /** Redis only: a sender's own messages sent back to its subscription (not deliveries). */
  long echoes;

  /** Members whose connection ended before the run did (closed, reset, or timed out). */
  long dropped;

  // Positioned members (--resume).

  /** Joins again with SINCE after a drop that the broker accepted. */
  long resumed;

  /** GAP lines: messages a member missed that the broker no longer kept. */
  long gapsReported;

  /** Lines whose room seq a member had already seen. */
  long duplicated;

  /** Room seqs a member never saw and was never told of with a GAP. */
  long skipped;
}
