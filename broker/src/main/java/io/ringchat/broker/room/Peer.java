package io.ringchat.broker.room;

import io.netty.channel.Channel;
import io.ringchat.protocol.Name;
import java.nio.charset.StandardCharsets;

/**
 * One connection as both sides of the ring see it.
 *
 * <p>Threading: the channel and its event loop index are fixed at construction. The room thread
 * alone reads and writes the membership fields ({@link #nameKey}, {@link #memberIndex}, the
 * broadcast links); the connection's event loop alone reads and writes {@link #unflushed}. The two
 * volatile flags cross threads: {@link #joined} is written by the room and read by the join timer,
 * {@link #outputClosed} is written by the I/O thread and read by the room.
 */
public final class Peer {
  private final Channel channel;
  private final int eventLoopIndex;

  private volatile boolean joined;
  private volatile boolean outputClosed;

  // Room thread only. The name is kept as its UTF-8 bytes and its map key, not as a Name and
  // strings: the key shares the bytes when the name is already lower-case.
  private NameKey nameKey;
  private byte[] nameBytes;
  private int memberIndex = -1;
  private boolean gone;

  /**
   * Room thread only: first and last of this member's own lines in the open segment, or -1. Shorts:
   * a segment never holds more than {@link Short#MAX_VALUE} lines ({@link Broadcast} sees to it),
   * and four bytes less per member add up over tens of thousands.
   */
  short firstOwnLine = -1;

  short lastOwnLine = -1;

  // The connection's event loop only: written to since the loop last flushed it.
  private boolean unflushed;

  public Peer(Channel channel, int eventLoopIndex) {
    this.channel = channel;
    this.eventLoopIndex = eventLoopIndex;
  }

  public Channel channel() {
    return channel;
  }

  /** Which of the broker's I/O event loops serves this connection. */
  public int eventLoopIndex() {
    return eventLoopIndex;
  }

  /** Any thread: whether the room has accepted a JOIN from this connection. */
  public boolean isJoined() {
    return joined;
  }

  /** Any thread: whether nothing more should be written (connection closed or being closed). */
  public boolean isOutputClosed() {
    return outputClosed;
  }

  /** I/O thread: nothing more is to be written to this connection. */
  public void closeOutput() {
    outputClosed = true;
  }

  /** Room thread: this connection is now the member {@code name} at {@code index}. */
  void becomeMember(Name name, int index) {
    this.nameBytes = name.display().getBytes(StandardCharsets.UTF_8);
    this.nameKey = NameKey.of(name, nameBytes);
    this.memberIndex = index;
    this.joined = true;
  }

  /** Room thread: the member is out of the room for good (left, dropped or removed). */
  void markGone() {
    memberIndex = -1;
    gone = true;
  }

  /** Room thread: whether this connection has left the room or was removed. */
  boolean isGone() {
    return gone;
  }

  /** Room thread: whether this connection is a member. */
  boolean isMember() {
    return memberIndex >= 0;
  }

  /** Room thread: the name's identity, the members map's key. */
  NameKey nameKey() {
    return nameKey;
  }

  /** Room thread: the display name in UTF-8, encoded once at JOIN. */
  byte[] nameBytes() {
    return nameBytes;
  }

  int memberIndex() {
    return memberIndex;
  }

  void memberIndex(int index) {
    this.memberIndex = index;
  }

  /** I/O thread: marks the channel as written but not flushed; says whether it was not already. */
  public boolean markUnflushed() {
    if (unflushed) {
      return false;
    }
    unflushed = true;
    return true;
  }

  /** I/O thread: the channel is about to be flushed. */
  public void clearUnflushed() {
    unflushed = false;
  }

  @Override
  public String toString() {
    byte[] n = nameBytes;
    return "Peer{"
        + channel.id().asShortText()
        + (n == null ? "" : " " + new String(n, StandardCharsets.UTF_8))
        + "}";
  }
}
