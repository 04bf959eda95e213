package io.ringchat.broker.cluster;

/**
 * When the leader offers egress again to brokers that could not take it all (back pressure, a
 * publication not yet connected after an election): while messages flow, every ingress message
 * offers it again anyway; this timer covers a quiet room. It waits 10 ms, then twice as long each
 * time the brokers are still behind, up to a second, and starts short again once none is.
 *
 * <p>Only the leader is ever behind (a follower's offers go nowhere), so only the leader schedules
 * it, and only while some broker is behind: an idle room has no timer at all. Aeron Cluster
 * replicates timers through the log, and a follower that sees a timer fire which it never scheduled
 * counts it against a later schedule of the same id; each timer therefore gets an id of its own
 * (the log position it was scheduled at, which no other leader ever schedules at), and no follower
 * ever schedules one. Nothing here is part of the replicated room.
 *
 * <p>The clustered service's thread only. Times in milliseconds.
 */
final class EgressRetryTimer {
  static final long FIRST_MS = 10;
  static final long MAX_INTERVAL_MS = 1_000;

  /** The id of the timer scheduled, or -1 for none. */
  private long scheduledId = -1;

  private long intervalMs = FIRST_MS;

  /**
   * Some broker is behind. Returns the delay of a timer to schedule now, or -1 when one is
   * scheduled already.
   */
  long delayToSchedule() {
    return scheduledId >= 0 ? -1 : intervalMs;
  }

  /** A timer with {@code id} was scheduled. */
  void scheduled(long id) {
    scheduledId = id;
    intervalMs = Math.min(intervalMs * 2, MAX_INTERVAL_MS);
  }

  /** A timer fired; returns whether it is this one (else another leader's, or an old one). */
  boolean fired(long id) {
    if (id != scheduledId) {
      return false;
    }
    scheduledId = -1;
    return true;
  }

  /** No broker is behind: the next wait starts short again. */
  void caughtUp() {
    intervalMs = FIRST_MS;
  }

  /** This member no longer leads: whatever it scheduled may never fire here. */
  void reset() {
    scheduledId = -1;
    intervalMs = FIRST_MS;
  }
}
