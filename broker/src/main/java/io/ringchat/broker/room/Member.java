package io.ringchat.broker.room;

import io.ringchat.protocol.Name;
import java.nio.charset.StandardCharsets;

/**
 * One member of the room, as the room sees it: the connection id it speaks through, its name, its
 * place in the member array and its own lines in the open broadcast segment. Nothing here knows
 * about sockets; the id is all the room hands to its {@link Outbound}.
 *
 * <p>Room thread only.
 */
final class Member extends NameKey {
  private final long connection;

  // The name is kept as its UTF-8 bytes and its map key (this member itself), not as a Name and
  // strings: the key shares the bytes when the name is already lower-case.
  private final byte[] nameBytes;
  private int index;

  /**
   * First and last of this member's own lines in the open segment, or -1. Shorts: a segment never
   * holds more than {@link Short#MAX_VALUE} lines ({@link Broadcast} sees to it), and four bytes
   * less per member add up over tens of thousands.
   */
  short firstOwnLine = -1;

  short lastOwnLine = -1;

  /**
   * Joined with {@code HISTORY} or {@code SINCE} (protocol version 1.1): gets {@code POST} and
   * {@code SENT} instead of {@code MSG}. Set once, before the member's first line.
   */
  boolean positioned;

  Member(long connection, Name name, int index) {
    this(connection, name, name.display().getBytes(StandardCharsets.UTF_8), index);
  }

  private Member(long connection, Name name, byte[] nameBytes, int index) {
    super(NameKey.bytesOf(name, nameBytes));
    this.connection = connection;
    this.nameBytes = nameBytes;
    this.index = index;
  }

  /** The id of the connection this member speaks through. */
  long connection() {
    return connection;
  }

  /** The name's identity, the members map's key: this member itself. */
  NameKey nameKey() {
    return this;
  }

  /** The display name in UTF-8, encoded once at JOIN. */
  byte[] nameBytes() {
    return nameBytes;
  }

  /** Where this member sits in {@link Members}' dense array. */
  int index() {
    return index;
  }

  void index(int index) {
    this.index = index;
  }

  @Override
  public String toString() {
    return "Member{" + connection + " " + new String(nameBytes, StandardCharsets.UTF_8) + "}";
  }
}
