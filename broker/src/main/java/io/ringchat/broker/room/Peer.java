package io.ringchat.broker.room;

import io.netty.channel.Channel;
import io.ringchat.protocol.Name;
import java.nio.charset.StandardCharsets;

/**
 * One connection as both sides of the ring see it.
 *
 * <p>Threading: the channel and its event loop index are fixed at construction. The room thread
 * alone reads and writes the membership fields ({@link #name}, {@link #memberIndex}, the broadcast
 * links); the connection's event loop alone reads and writes {@link #lastWriteBatch}. The two
 * volatile flags cross threads: {@link #joined} is written by the room and read by the join timer,
 * {@link #outputClosed} is written by the I/O thread and read by the room.
 */
public final class Peer {
  private final Channel channel;
  private final int eventLoopIndex;

  private volatile boolean joined;
  private volatile boolean outputClosed;

  // Room thread only.
  private Name name;
  private byte[] nameBytes;
  private int memberIndex = -1;
  private boolean gone;

  /** Room thread only: first and last of this member's own messages in the open segment. */
  int firstOwnLine = -1;

  int lastOwnLine = -1;

  // The connection's event loop only: the write batch that last wrote to this peer, so that each
  // batch flushes each channel once.
  private Object lastWriteBatch;

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
    this.name = name;
    this.nameBytes = name.display().getBytes(StandardCharsets.UTF_8);
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

  Name name() {
    return name;
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

  /** I/O thread: records {@code batch} and says whether it is the first write of that batch. */
  public boolean firstWriteOf(Object batch) {
    if (lastWriteBatch == batch) {
      return false;
    }
    lastWriteBatch = batch;
    return true;
  }

  @Override
  public String toString() {
    Name n = name;
    return "Peer{" + channel.id().asShortText() + (n == null ? "" : " " + n.display()) + "}";
  }
}
