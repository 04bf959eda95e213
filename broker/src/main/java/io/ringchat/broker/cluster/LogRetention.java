package io.ringchat.broker.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What keeps a member's disk bounded, passed between the three threads that share the job: the room
 * service notes each snapshot it takes and, from every member's reports, the log position below
 * which every member can do without the log ({@link SnapshotAgreement}); the broker's link reports
 * this member's snapshots to the room; the node's watcher purges ({@link LogPurger}).
 *
 * <p>Each value only grows; each side acts on the newest it sees.
 */
public final class LogRetention {
  private final int memberId;
  private final AtomicLong snapshotTaken = new AtomicLong(-1);
  private final AtomicLong purgeBelow = new AtomicLong(-1);

  public LogRetention(int memberId) {
    this.memberId = memberId;
  }

  /** The cluster member this process is. */
  int memberId() {
    return memberId;
  }

  /** The room service took a snapshot at this log position (the service's thread). */
  void snapshotTaken(long logPosition) {
    snapshotTaken.accumulateAndGet(logPosition, Math::max);
  }

  /** The newest snapshot position this member has taken, or -1 (the link reports it). */
  long snapshotTaken() {
    return snapshotTaken.get();
  }

  /** Every member can do without the log below this position now (the service's thread). */
  void purgeBelow(long logPosition) {
    purgeBelow.accumulateAndGet(logPosition, Math::max);
  }

  /** The position below which this member may purge its log, or -1 (the node's watcher). */
  long purgeBelow() {
    return purgeBelow.get();
  }
}
