package io.ringchat.broker.room;

import io.ringchat.protocol.Name;
import java.util.Arrays;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.Object2ObjectHashMap;

/**
 * The room's members: Agrona open-addressing maps from name key and from connection id to member
 * for lookups, and a dense array for fan-out (Agrona's map iterators are cached objects, unfit for
 * nested iteration, and an array scan is the fastest walk there is). Removal swaps the last member
 * into the hole.
 *
 * <p>Room thread only.
 */
final class Members {
  private final Object2ObjectHashMap<NameKey, Member> byName = new Object2ObjectHashMap<>();
  private final Long2ObjectHashMap<Member> byConnection = new Long2ObjectHashMap<>();
  private Member[] dense = new Member[16];
  private int size;

  int size() {
    return size;
  }

  Member get(int index) {
    return dense[index];
  }

  /** The member speaking through {@code connection}, or null if that connection has not joined. */
  Member byConnection(long connection) {
    return byConnection.get(connection);
  }

  boolean contains(Name name) {
    return byName.containsKey(NameKey.of(name));
  }

  Member add(long connection, Name name) {
    if (size == dense.length) {
      dense = Arrays.copyOf(dense, size * 2);
    }
    Member member = new Member(connection, name, size);
    dense[size++] = member;
    byName.put(member.nameKey(), member);
    byConnection.put(connection, member);
    return member;
  }

  @SuppressWarnings("ReferenceEquality") // the same member object, not merely an equal name
  void remove(Member member) {
    int index = member.index();
    assert dense[index] == member : "member index out of step";
    byName.remove(member.nameKey());
    byConnection.remove(member.connection());
    size--;
    Member last = dense[size];
    dense[index] = last;
    last.index(index);
    dense[size] = null;
    member.index(-1);
  }
}
