package io.ringchat.broker.cluster;

/**
 * The egress the room made for one broker, numbered 1, 2, 3..., the newest kept up to a byte budget
 * (always at least the newest one). It is made from the log alone, so every member of the cluster
 * holds the same messages under the same numbers, and whichever member leads can send a broker
 * again what it missed.
 *
 * <p>A ring of the encoded messages, oldest first. The clustered service's thread only.
 */
final class KeptEgress {
  private final long budgetBytes;
  private byte[][] ring = new byte[16][];
  private int head;
  private int size;
  private long bytes;

  /** The number of the newest message made (0: none yet). */
  private long last;

  KeptEgress(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  /** Keeps {@code message} as the next number, dropping the oldest beyond the budget. */
  long add(byte[] message) {
    if (size == ring.length) {
      grow();
    }
    ring[(head + size) % ring.length] = message;
    size++;
    bytes += message.length;
    while (bytes > budgetBytes && size > 1) {
      bytes -= ring[head].length;
      ring[head] = null;
      head = (head + 1) % ring.length;
      size--;
    }
    return ++last;
  }

  private void grow() {
    byte[][] bigger = new byte[ring.length * 2][];
    for (int i = 0; i < size; i++) {
      bigger[i] = ring[(head + i) % ring.length];
    }
    ring = bigger;
    head = 0;
  }

  /** The number of the newest message made (0: none yet). */
  long last() {
    return last;
  }

  /** The number of the oldest message still kept ({@link #last()} + 1 when none is). */
  long firstKept() {
    return last - size + 1;
  }

  /** Message {@code number}, which must be kept (from {@link #firstKept()} to {@link #last()}). */
  byte[] get(long number) {
    long index = number - firstKept();
    assert index >= 0 && index < size : "egress " + number + " is not kept";
    return ring[(int) ((head + index) % ring.length)];
  }

  /** The bytes of the messages kept. */
  long bytes() {
    return bytes;
  }

  /** Restores the numbering from a snapshot: the next message made is {@code last} + 1. */
  void restartAfter(long last) {
    assert size == 0 : "restored into a room that made egress already";
    this.last = last;
  }
}
