package io.ringchat.broker.cluster;

import java.util.Arrays;

/**
 * Which part of the log every member can do without, from the members' own reports of the snapshots
 * they took (reports travel through the log, so every member's room service reaches the same answer
 * at the same point).
 *
 * <p>Raft's leader must keep whatever log a follower may still need: open-source Aeron cannot bring
 * a member up to date from another member's snapshot, only from its log. So a position is purgeable
 * only once <em>every</em> member has reported a snapshot at or after it; a member that is down
 * reports nothing, and the others keep the log it will need until it is back. The purge point is
 * the agreement before the newest one: one snapshot interval of margin, so that a member whose
 * newest snapshot was not yet on its own disk when it was reported (the report races the consensus
 * module's record of it) still finds the log after the one before.
 *
 * <p>The room service's thread only.
 */
final class SnapshotAgreement {
  private final long[] reported;
  private long agreed = -1;
  private long purgeable = -1;

  SnapshotAgreement(int members) {
    this.reported = new long[members];
    Arrays.fill(reported, -1);
  }

  /**
   * Member {@code member} has a snapshot at {@code position}. Returns the new purge point when it
   * moved on, else -1.
   */
  long onReport(int member, long position) {
    if (member < 0 || member >= reported.length || position <= reported[member]) {
      return -1;
    }
    reported[member] = position;
    long everyone = Long.MAX_VALUE;
    for (long p : reported) {
      everyone = Math.min(everyone, p);
    }
    if (everyone <= agreed) {
      return -1;
    }
    long before = agreed;
    agreed = everyone;
    if (before <= purgeable) {
      return -1;
    }
    purgeable = before;
    return purgeable;
  }
}
