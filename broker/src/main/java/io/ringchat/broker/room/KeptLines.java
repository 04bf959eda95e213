package io.ringchat.broker.room;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayDeque;

/**
 * The room's history: the newest messages as their encoded {@code POST} lines, up to a count and a
 * byte budget, for replays. Lines are copied back to back into direct chunks of {@value
 * #CHUNK_BYTES} bytes (pooled memory, not an object per message), and indexed by seq in three
 * parallel arrays used as a ring: 16 bytes of index per kept line beside its bytes. A chunk is
 * released once every line in it has fallen out; a replay hands out retained slices of the chunks,
 * so lines that fall out while a replay is still being written stay readable until it is done.
 *
 * <p>The kept lines are always the newest messages of the room (each message is kept as it is
 * ordered, or, when it cannot be, everything before it falls out too), so their seqs follow from
 * the room's newest seq, which the room passes in: this store keeps no numbering of its own.
 *
 * <p>Room thread only.
 */
public final class KeptLines {
  /** Chunk size: many lines per slice of a replay, little slack per idle room. */
  static final int CHUNK_BYTES = 64 * 1024;

  private static final int INITIAL_INDEX = 64;

  private final ByteBufAllocator alloc;
  private final int maxLines;
  private final long maxBytes;

  /** Every chunk still holding a kept line, oldest first; the last is the one being filled. */
  private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();

  // The index: kept line i (0 = oldest) is at ring slot (head + i) % capacity.
  private ByteBuf[] lineChunk = new ByteBuf[0];
  private int[] lineOffset = new int[0];
  private int[] lineLength = new int[0];
  private int head;
  private int count;
  private long bytes;

  /**
   * @param maxLines keep at most this many lines ({@code --history}); 0 keeps none
   * @param maxBytes and at most this many bytes of them ({@code --history-bytes})
   */
  public KeptLines(ByteBufAllocator alloc, int maxLines, long maxBytes) {
    this.alloc = alloc;
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
  }

  /** Whether this history keeps anything at all. */
  public boolean keeps() {
    return maxLines > 0 && maxBytes > 0;
  }

  /** Lines kept now. */
  public int lines() {
    return count;
  }

  /** Bytes of the lines kept now. */
  public long bytes() {
    return bytes;
  }

  /**
   * The seq of the oldest kept line when the room's newest message is {@code newest}; {@code newest
   * + 1} when none is kept.
   */
  public long firstSeq(long newest) {
    return newest - count + 1;
  }

  /**
   * Keeps the room's newest message, bytes {@code [from, from + length)} of {@code src} (copied),
   * and lets the oldest lines fall out until both limits hold again.
   */
  public void keep(ByteBuf src, int from, int length) {
    if (!keeps() || length > maxBytes) {
      // Kept nothing, or a line bigger than the whole budget: everything before it falls out too.
      dropOldest(count);
      return;
    }
    ByteBuf chunk = chunkFor(length);
    int offset = chunk.writerIndex();
    chunk.writeBytes(src, from, length);
    if (count == lineChunk.length) {
      growIndex();
    }
    int slot = slot(count);
    lineChunk[slot] = chunk;
    lineOffset[slot] = offset;
    lineLength[slot] = length;
    count++;
    bytes += length;
    int over = 0;
    long left = bytes;
    while (count - over > maxLines || left > maxBytes) {
      left -= lineLength[slot(over)];
      over++;
    }
    dropOldest(over);
  }

  /**
   * Appends retained slices of kept lines {@code from..newest} to {@code into}, a line run per
   * chunk, and returns how many lines; {@code from} must not be older than {@link #firstSeq(long)}.
   */
  public int replay(long from, long newest, CompositeByteBuf into) {
    return replay(from, newest, newest, into);
  }

  /**
   * Appends retained slices of kept lines {@code from..to} to {@code into}, where {@code newest} is
   * the seq of the newest kept line ({@code to} at most), and returns how many lines; {@code from}
   * must not be older than {@link #firstSeq(long)}.
   */
  @SuppressWarnings("ReferenceEquality") // the same chunk object
  public int replay(long from, long to, long newest, CompositeByteBuf into) {
    int first = (int) (from - firstSeq(newest));
    int end = count - (int) (newest - to);
    assert first >= 0 && first <= end && end <= count;
    int i = first;
    while (i < end) {
      int slot = slot(i);
      ByteBuf chunk = lineChunk[slot];
      int start = lineOffset[slot];
      int stop = start + lineLength[slot];
      i++;
      // Lines of one chunk are back to back: one slice for the run.
      while (i < end && lineChunk[slot(i)] == chunk) {
        int next = slot(i);
        stop = lineOffset[next] + lineLength[next];
        i++;
      }
      into.addComponent(true, chunk.retainedSlice(start, stop - start));
    }
    return end - first;
  }

  /** What {@link #forEachLine} hands each kept line to. */
  @FunctionalInterface
  public interface LineVisitor {
    /**
     * Bytes {@code [offset, offset + length)} of {@code chunk}: one line, borrowed for the call.
     */
    void visit(ByteBuf chunk, int offset, int length);
  }

  /** Each kept line, oldest first (for a snapshot of the room). */
  public void forEachLine(LineVisitor visitor) {
    for (int i = 0; i < count; i++) {
      int slot = slot(i);
      visitor.visit(lineChunk[slot], lineOffset[slot], lineLength[slot]);
    }
  }

  /** What {@link #forEachFrom} hands each kept line to. */
  @FunctionalInterface
  public interface SeqLineVisitor {
    /** Line {@code seq}: bytes {@code [offset, offset + length)} of {@code chunk}, borrowed. */
    void visit(long seq, ByteBuf chunk, int offset, int length);
  }

  /**
   * The kept lines from seq {@code from} on (from the oldest kept, if that is later), oldest first,
   * while their bytes stay within {@code maxBytes} (at least one line); {@code newest} is the
   * room's newest seq. Returns how many lines were visited.
   */
  public int forEachFrom(long from, long newest, long maxBytes, SeqLineVisitor visitor) {
    long first = firstSeq(newest);
    int i = (int) Math.max(0, from - first);
    int visited = 0;
    long bytes = 0;
    for (; i < count; i++) {
      int slot = slot(i);
      bytes += lineLength[slot];
      if (visited > 0 && bytes > maxBytes) {
        break;
      }
      visitor.visit(first + i, lineChunk[slot], lineOffset[slot], lineLength[slot]);
      visited++;
    }
    return visited;
  }

  /** Lets go of everything (the room is stopping, or a copy of it starts afresh). */
  public void clear() {
    dropOldest(count);
    ByteBuf last = chunks.pollLast();
    if (last != null) {
      last.release();
    }
  }

  private int slot(int i) {
    int slot = head + i;
    return slot >= lineChunk.length ? slot - lineChunk.length : slot;
  }

  private ByteBuf chunkFor(int length) {
    ByteBuf chunk = chunks.peekLast();
    if (chunk == null || chunk.writableBytes() < length) {
      chunk = alloc.directBuffer(Math.max(CHUNK_BYTES, length), Math.max(CHUNK_BYTES, length));
      chunks.addLast(chunk);
      releaseUnused();
    }
    return chunk;
  }

  private void dropOldest(int n) {
    for (int k = 0; k < n; k++) {
      int slot = slot(0);
      bytes -= lineLength[slot];
      lineChunk[slot] = null;
      head = head + 1 == lineChunk.length ? 0 : head + 1;
      count--;
    }
    if (count == 0) {
      head = 0;
    }
    releaseUnused();
  }

  /** Releases the oldest chunks that hold no kept line, never the one being filled. */
  @SuppressWarnings("ReferenceEquality") // the same chunk object
  private void releaseUnused() {
    ByteBuf oldestKept = count == 0 ? null : lineChunk[slot(0)];
    while (chunks.size() > 1 && chunks.peekFirst() != oldestKept) {
      chunks.pollFirst().release();
    }
  }

  private void growIndex() {
    int capacity =
        (int) Math.min(Math.max(INITIAL_INDEX, lineChunk.length * 2L), (long) maxLines + 1);
    ByteBuf[] chunkRing = new ByteBuf[capacity];
    int[] offsets = new int[capacity];
    int[] lengths = new int[capacity];
    for (int i = 0; i < count; i++) {
      int slot = slot(i);
      chunkRing[i] = lineChunk[slot];
      offsets[i] = lineOffset[slot];
      lengths[i] = lineLength[slot];
    }
    lineChunk = chunkRing;
    lineOffset = offsets;
    lineLength = lengths;
    head = 0;
  }
}
