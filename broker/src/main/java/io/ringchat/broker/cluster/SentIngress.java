package io.ringchat.broker.cluster;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * One numbered ingress message not yet acknowledged by the room, with the index of its events
 * (kind, connection, where each starts) as {@link IngressSequencer} wrote them: the hold and a lost
 * session act on the index, never on the bytes.
 *
 * <p>The link's thread only.
 */
final class SentIngress {
  final long seq;
  final long madeNs;

  /** When it was last offered to a leader. */
  long offeredNs;

  /** Its round trip is traced ({@link RoundTripTracer}). */
  boolean traced;

  /** The trace's stamp, once first offered (epoch ns); 0 before. */
  long tracedAt;

  UnsafeBuffer bytes;
  byte[] kinds;
  long[] connections;
  int[] starts;

  SentIngress(
      long seq, long madeNs, UnsafeBuffer bytes, byte[] kinds, long[] connections, int[] starts) {
    this.seq = seq;
    this.madeNs = madeNs;
    this.bytes = bytes;
    this.kinds = kinds;
    this.connections = connections;
    this.starts = starts;
  }

  /** Where event {@code i} ends: where the next starts, or the message's end. */
  int end(int i) {
    return i + 1 < starts.length ? starts[i + 1] : bytes.capacity();
  }
}
