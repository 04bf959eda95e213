package io.ringchat.broker.cluster;

import java.util.Arrays;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * Room-wide connection ids: each broker's own ids (its I/O side's) are mapped to ids the room gives
 * out in order, 1, 2, 3..., so that two brokers' ids never meet, and each room-wide id to the
 * broker that holds it ({@link ClusterOutbound.Owner}). The same on every member: ids are made from
 * the log alone, and kept in snapshots.
 *
 * <p>The clustered service's thread only.
 */
final class ConnectionIds {
  private final Long2ObjectHashMap<ClusterOutbound.Owner> owners = new Long2ObjectHashMap<>();
  private long next = 1;

  /** The room-wide id of a broker's connection, made on first sight. */
  long idOf(BrokerSession broker, long local) {
    long id = broker.ids.get(local);
    if (id == 0) {
      id = next++;
      put(broker, local, id);
    }
    return id;
  }

  /** Records a mapping (first sight, or a snapshot). */
  void put(BrokerSession broker, long local, long id) {
    broker.ids.put(local, id);
    owners.put(id, new ClusterOutbound.Owner(broker, local));
  }

  /** The connection is gone: its id is not used again. */
  void forget(BrokerSession broker, long local, long id) {
    broker.ids.remove(local);
    owners.remove(id);
  }

  /**
   * Every room-wide id of {@code broker}, in increasing order (the same on every member), each
   * forgotten.
   */
  long[] forgetAll(BrokerSession broker) {
    long[] ids = new long[broker.ids.size()];
    int[] n = {0};
    broker.ids.forEach((local, id) -> ids[n[0]++] = id);
    Arrays.sort(ids);
    for (long id : ids) {
      owners.remove(id);
    }
    broker.ids.clear();
    return ids;
  }

  Long2ObjectHashMap<ClusterOutbound.Owner> owners() {
    return owners;
  }

  long next() {
    return next;
  }

  /** From a snapshot: ids go on from {@code next}. */
  void next(long next) {
    this.next = next;
  }
}
