package io.ringchat.broker.cluster;

/**
 * When the leader offers egress again to brokers that could not take it all (back pressure, a
 * publication not yet connected after an election): while messages flow, every ingress message
 * offers it again anyway; this timer covers a quiet room. It waits a short while (10 ms by
 * default), then twice as long each time the brokers are still behind, up to a longest wait (a
 * second), and starts short again once none is ({@link ClusterContext}).
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
  private final long firstMs;
  private final long maxIntervalMs;

  /** The id of the timer scheduled, or -1 for none. */
  private long scheduledId = -1;

  private long intervalMs;

  /** The first wait, doubled each time the brokers are still behind, up to {@code maxMs}. */
  EgressRetryTimer(long firstMs, long maxMs) {
    this.firstMs = firstMs;
    this.maxIntervalMs = maxMs;
    this.intervalMs = firstMs;
  }

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
    intervalMs = Math.min(intervalMs * 2, maxIntervalMs);
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
    intervalMs = firstMs;
  }

  /** This member no longer leads: whatever it scheduled may never fire here. */
  void reset() {
    scheduledId = -1;
    intervalMs = firstMs;
  }
}
