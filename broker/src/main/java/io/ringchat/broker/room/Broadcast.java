package io.ringchat.broker.room;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.ringchat.protocol.PostLines;
import io.ringchat.protocol.ServerFrames;
import java.util.Arrays;

/**
 * Coalesces the room's broadcast frames into segments: consecutive {@code MSG}, {@code JOINED} and
 * {@code LEFT} lines are appended back to back into one buffer, in room order, each remembering the
 * one member it must skip (its sender, or the member that joined). When the segment closes, every
 * member gets the segment as one slice, or as the few slices around its own lines, so a batch costs
 * O(members + lines) slices rather than O(members x lines) buffers.
 *
 * <p>The room closes the segment before any change of membership and before any reply to a single
 * member, so each member's bytes stay in room order. Room thread only.
 *
 * <p>A room has two: one in version 1's encoding ({@code MSG}) for plain members, one for
 * positioned members ({@code POST}, protocol version 1.1), where a sender's own line is not skipped
 * but replaced by its {@code SENT} line, kept in a side buffer, so the sender's slices still break
 * only around its own lines.
 */
final class Broadcast {
  private static final int INITIAL_CAPACITY = 16 * 1024;

  private final ByteBufAllocator alloc;
  private final int maxSegmentBytes;
  private final boolean positioned;

  private ByteBuf segment;

  /** The {@code SENT} lines that replace senders' own lines (positioned only), or null. */
  private ByteBuf sentLines;

  private int[] sentStart = new int[64];
  private int[] sentEnd = new int[64];
  private int lines;
  private int[] lineStart = new int[64];
  private int[] lineEnd = new int[64];
  private int[] nextOwnLine = new int[64];
  private Member[] skipped = new Member[64];

  /**
   * @param maxSegmentBytes a segment reaching this size is closed and a new one started, so that no
   *     one write grows without bound
   */
  Broadcast(ByteBufAllocator alloc, int maxSegmentBytes) {
    this(alloc, maxSegmentBytes, false);
  }

  /** As above; {@code positioned}: the broadcast for positioned members, not plain ones. */
  Broadcast(ByteBufAllocator alloc, int maxSegmentBytes, boolean positioned) {
    this.alloc = alloc;
    this.maxSegmentBytes = maxSegmentBytes;
    this.positioned = positioned;
  }

  /**
   * Starts a line that every member this broadcast serves but {@code skip} (null: nobody) gets;
   * returns its buffer.
   */
  ByteBuf beginLine(Member skip, int expectedBytes, Members members, Outbound out) {
    if (skip != null && skip.positioned != positioned) {
      skip = null; // it gets the other broadcast: nothing to skip here
    }
    if (segment != null
        && (segment.writerIndex() + expectedBytes > maxSegmentBytes || lines == Short.MAX_VALUE)) {
      close(members, out);
    }
    if (segment == null) {
      segment = alloc.directBuffer(Math.max(INITIAL_CAPACITY, expectedBytes));
    }
    if (lines == lineStart.length) {
      grow();
    }
    lineStart[lines] = segment.writerIndex();
    skipped[lines] = skip;
    return segment;
  }

  /** Ends the line begun by the last {@link #beginLine}. */
  void endLine() {
    int line = lines++;
    lineEnd[line] = segment.writerIndex();
    nextOwnLine[line] = -1;
    sentStart[line] = -1;
    Member skip = skipped[line];
    if (skip != null) {
      if (skip.firstOwnLine < 0) {
        skip.firstOwnLine = (short) line;
      } else {
        nextOwnLine[skip.lastOwnLine] = line;
      }
      skip.lastOwnLine = (short) line;
    }
  }

  /** Whether there is an open segment with at least one line. */
  boolean isOpen() {
    return lines > 0;
  }

  /** Delivers the open segment to every member and starts afresh. */
  void close(Members members, Outbound out) {
    if (segment == null) {
      return;
    }
    int length = segment.writerIndex();
    if (length > 0) {
      for (int m = 0, n = members.size(); m < n; m++) {
        Member member = members.get(m);
        if (member.positioned == positioned) {
          deliver(member, length, out);
        }
      }
    }
    for (int line = 0; line < lines; line++) {
      Member skip = skipped[line];
      if (skip != null) {
        skip.firstOwnLine = -1;
        skip.lastOwnLine = -1;
        skipped[line] = null;
      }
    }
    lines = 0;
    segment.release();
    segment = null;
    if (sentLines != null) {
      sentLines.release();
      sentLines = null;
    }
  }

  private void deliver(Member member, int length, Outbound out) {
    int own = member.firstOwnLine;
    long connection = member.connection();
    if (own < 0) {
      out.write(connection, segment, 0, length);
      return;
    }
    int from = 0;
    // SENT lines not yet written: a sender's own lines often come in a run (one read's worth of
    // its SENDs), and a run's SENT lines lie back to back in the side buffer: one slice for them.
    int sentFrom = -1;
    int sentTo = -1;
    for (; own >= 0; own = nextOwnLine[own]) {
      if (lineStart[own] > from) {
        if (sentFrom >= 0) {
          out.write(connection, sentLines, sentFrom, sentTo - sentFrom);
          sentFrom = -1;
        }
        out.write(connection, segment, from, lineStart[own] - from);
      }
      if (sentStart[own] >= 0) {
        if (sentFrom < 0 || sentStart[own] != sentTo) {
          if (sentFrom >= 0) {
            out.write(connection, sentLines, sentFrom, sentTo - sentFrom);
          }
          sentFrom = sentStart[own];
        }
        sentTo = sentEnd[own];
      }
      from = lineEnd[own];
    }
    if (sentFrom >= 0) {
      out.write(connection, sentLines, sentFrom, sentTo - sentFrom);
    }
    if (from < length) {
      out.write(connection, segment, from, length - from);
    }
  }

  private void grow() {
    int capacity = lineStart.length * 2;
    lineStart = Arrays.copyOf(lineStart, capacity);
    lineEnd = Arrays.copyOf(lineEnd, capacity);
    nextOwnLine = Arrays.copyOf(nextOwnLine, capacity);
    skipped = Arrays.copyOf(skipped, capacity);
    sentStart = Arrays.copyOf(sentStart, capacity);
    sentEnd = Arrays.copyOf(sentEnd, capacity);
  }

  /** Appends {@code MSG <sender> <text>} for everyone but the sender. */
  void appendMessage(Member sender, ByteBuf text, Members members, Outbound out) {
    byte[] name = sender.nameBytes();
    ByteBuf buf =
        beginLine(sender, ServerFrames.msgLength(name.length, text.readableBytes()), members, out);
    ServerFrames.writeMsg(buf, name, text);
    endLine();
  }

  /**
   * Appends the message {@code post} has staged as its {@code POST} line for every positioned
   * member but the sender, who gets its {@code SENT} line in its place (if it is positioned).
   */
  void appendPost(Member sender, PostLines post, ByteBuf text, Members members, Outbound out) {
    byte[] name = sender.nameBytes();
    ByteBuf buf =
        beginLine(sender, PostLines.postLength(name.length, text.readableBytes()), members, out);
    post.writePost(buf, name, text);
    endLine();
    if (sender.positioned == positioned) {
      if (sentLines == null) {
        sentLines = alloc.directBuffer(1024);
      }
      int line = lines - 1;
      sentStart[line] = sentLines.writerIndex();
      post.writeSent(sentLines);
      sentEnd[line] = sentLines.writerIndex();
    }
  }

  /** The open segment, whose last line is {@code [lastLineStart(), lastLineEnd())}. */
  ByteBuf segment() {
    return segment;
  }

  int lastLineStart() {
    return lineStart[lines - 1];
  }

  int lastLineEnd() {
    return lineEnd[lines - 1];
  }
}
