package io.ringchat.broker.cluster;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Tells the room of each snapshot this process's member took ({@link ClusterWire#SNAPSHOT_TAKEN}),
 * best effort: one lost with a leader only puts the purge off until the member's next snapshot.
 *
 * <p>The link's thread only.
 */
final class SnapshotReporter {
  private final LogRetention retention;
  private final UnsafeBuffer message =
      new UnsafeBuffer(new byte[ControlFlyweights.SnapshotTaken.LENGTH]);
  private long reported = -1;

  /** {@code retention}: this process's member's snapshots; null for a front-end only. */
  SnapshotReporter(LogRetention retention) {
    this.retention = retention;
  }

  void report(Offer offer) {
    if (retention == null || retention.snapshotTaken() <= reported) {
      return;
    }
    long position = retention.snapshotTaken();
    ControlFlyweights.SnapshotTaken.put(message, retention.memberId(), position);
    if (offer.offer(message, 0, ControlFlyweights.SnapshotTaken.LENGTH)) {
      reported = position;
    }
  }
}
