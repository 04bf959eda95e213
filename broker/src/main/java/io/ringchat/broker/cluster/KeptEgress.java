package io.ringchat.broker.cluster;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The egress the room made for one broker, numbered 1, 2, 3..., the newest kept up to a byte budget
 * (always at least the newest one). It is made from the log alone, so every member of the cluster
 * holds the same messages under the same numbers, and whichever member leads can send a broker
 * again what it missed.
 *
 * <p>The messages' bytes lie end to end in one circular array, oldest first, a message that meets
 * the array's end going on at its start. An array per message made a busy room's members collect
 * garbage without pause: each lived until 8 MiB more egress had been made, long enough to be copied
 * into the old generation and die there, and G1 ran a marking cycle about every second
 * (docs/BENCHMARKS.md, "The kept egress without garbage"). The array grows by doubling, as far as
 * the budget (or the largest message) needs, and never shrinks: a room that has been busy keeps its
 * budget's worth of heap, as it did with an array per message.
 *
 * <p>The clustered service's thread only.
 */
final class KeptEgress {
  private static final int FIRST_CAPACITY = 64 * 1024;

  private final long budgetBytes;
  private byte[] store = new byte[0];

  // Per kept message, oldest first from head: where its bytes start in store, and how many.
  private int[] starts = new int[16];
  private int[] lengths = new int[16];
  private int head;
  private int size;

  /** The kept messages' bytes. */
  private long bytes;

  /** Where the next message's bytes go in store: right after the newest kept message's. */
  private int end;

  /** A message that meets the store's end, joined for reading. */
  private final ExpandableArrayBuffer joined = new ExpandableArrayBuffer(64);

  /** The number of the newest message made (0: none yet). */
  private long last;

  KeptEgress(long budgetBytes) {
    this.budgetBytes = budgetBytes;
  }

  /**
   * Keeps {@code length} bytes of {@code message} from {@code offset} as the next number, dropping
   * the oldest beyond the budget; returns its number.
   */
  long add(DirectBuffer message, int offset, int length) {
    while (size > 0 && bytes + length > budgetBytes) {
      bytes -= lengths[head];
      head = (head + 1) % starts.length;
      size--;
    }
    if (bytes + length > store.length || store.length == 0) {
      growStore((int) bytes + length);
    }
    if (size == starts.length) {
      growIndex();
    }
    int tail = Math.min(length, store.length - end);
    message.getBytes(offset, store, end, tail);
    message.getBytes(offset + tail, store, 0, length - tail);
    int slot = (head + size) % starts.length;
    starts[slot] = end;
    lengths[slot] = length;
    size++;
    bytes += length;
    end = (end + length) % store.length;
    return ++last;
  }

  /** Doubles the store until {@code needed} fits (at most to the budget, unless one needs more). */
  private void growStore(int needed) {
    long capacity = Math.max(FIRST_CAPACITY, store.length);
    while (capacity < needed) {
      capacity *= 2;
    }
    capacity = Math.min(Math.min(capacity, Math.max(budgetBytes, needed)), Integer.MAX_VALUE - 8);
    byte[] bigger = new byte[(int) capacity];
    int at = 0;
    for (int i = 0; i < size; i++) {
      int slot = (head + i) % starts.length;
      copyOut(slot, bigger, at);
      starts[slot] = at;
      at += lengths[slot];
    }
    store = bigger;
    end = at % store.length;
  }

  private void growIndex() {
    int[] biggerStarts = new int[starts.length * 2];
    int[] biggerLengths = new int[starts.length * 2];
    for (int i = 0; i < size; i++) {
      biggerStarts[i] = starts[(head + i) % starts.length];
      biggerLengths[i] = lengths[(head + i) % starts.length];
    }
    starts = biggerStarts;
    lengths = biggerLengths;
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

  /**
   * Points {@code view} at message {@code number}, which must be kept (from {@link #firstKept()} to
   * {@link #last()}), and returns its length. The view holds until the next call to this or to
   * {@link #add}.
   */
  int wrap(long number, UnsafeBuffer view) {
    long index = number - firstKept();
    assert index >= 0 && index < size : "egress " + number + " is not kept";
    int slot = (int) ((head + index) % starts.length);
    int start = starts[slot];
    int length = lengths[slot];
    if (length <= store.length - start) {
      view.wrap(store, start, length);
    } else { // once per trip round the store: copied into one piece for the offer
      joined.checkLimit(length);
      copyOut(slot, joined.byteArray(), 0);
      view.wrap(joined.byteArray(), 0, length);
    }
    return length;
  }

  /** Copies the message in {@code slot} to {@code to} from {@code at}, whole where it wraps. */
  private void copyOut(int slot, byte[] to, int at) {
    int start = starts[slot];
    int length = lengths[slot];
    int tail = Math.min(length, store.length - start);
    System.arraycopy(store, start, to, at, tail);
    System.arraycopy(store, 0, to, at + tail, length - tail);
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
