package io.ringchat.broker.room;

import io.ringchat.protocol.Name;
import java.util.Arrays;
import org.agrona.collections.Object2ObjectHashMap;

/**
 * The room's members: an Agrona open-addressing map from name key to peer for lookups, and a dense
 * array for fan-out (Agrona's map iterators are cached objects, unfit for nested iteration, and an
 * array scan is the fastest walk there is). Removal swaps the last member into the hole.
 *
 * <p>Room thread only.
 */
final class Members {
  private final Object2ObjectHashMap<NameKey, Peer> byKey = new Object2ObjectHashMap<>();
  private Peer[] dense = new Peer[16];
  private int size;

  int size() {
    return size;
  }

  Peer get(int index) {
    return dense[index];
  }

  boolean contains(Name name) {
    return byKey.containsKey(NameKey.of(name, null));
  }

  void add(Peer peer, Name name) {
    if (size == dense.length) {
      dense = Arrays.copyOf(dense, size * 2);
    }
    dense[size] = peer;
    peer.becomeMember(name, size);
    size++;
    byKey.put(peer.nameKey(), peer);
  }

  void remove(Peer peer) {
    int index = peer.memberIndex();
    assert dense[index] == peer : "member index out of step";
    byKey.remove(peer.nameKey());
    size--;
    Peer last = dense[size];
    dense[index] = last;
    last.memberIndex(index);
    dense[size] = null;
    peer.markGone();
  }
}
