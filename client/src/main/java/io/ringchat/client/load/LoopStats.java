package io.ringchat.client.load;

import org.HdrHistogram.Histogram;

/**
 * What the connections of one event loop observed. Confined to that loop's thread while the run
 * goes on; read by the main thread only after a task on the loop has handed it over.
 */
final class LoopStats {
  /** Latencies up to 60 s in microseconds, 3 significant digits. */
  final Histogram latencyMicros = new Histogram(60_000_000L, 3);

  long delivered;
  long measuredDelivered;
  long outOfOrder;
  long selfDeliveries;

  /** Redis only: a sender's own messages sent back to its subscription (not deliveries). */
  long echoes;

  /** Members whose connection ended before the run did (closed, reset, or timed out). */
  long dropped;
}
