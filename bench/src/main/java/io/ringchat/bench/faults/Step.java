package io.ringchat.bench.faults;

/**
 * One step of a fault schedule. A fault step hits a {@link Target} chosen when it runs (whoever
 * leads then), holds for its time, heals (restarts, resumes, reconnects), and is followed by a
 * liveness probe.
 */
sealed interface Step {
  /** Nothing but traffic for a while. */
  record Quiet(long millis) implements Step {}

  /** SIGKILL, {@code downMillis} down, restart with the member's directory. */
  record Kill(Target target, long downMillis) implements Step {}

  /**
   * Every member in turn: SIGTERM, wait for its graceful stop, restart. With {@code leaderLast},
   * the leader goes last, right after the member before it came back and while that one may still
   * be catching up (the hardest order); else the order starts at a random member.
   */
  record RollingRestart(boolean leaderLast) implements Step {}

  /** SIGSTOP for {@code millis}, then SIGCONT. */
  record Pause(Target target, long millis) implements Step {}

  /** The member's cluster link down for {@code millis}, then up. */
  record Partition(Target target, long millis) implements Step {}

  /**
   * The leader cut off; once another member leads, the third is paused for {@code lagMillis} (so
   * that the new leader's log grows while no follower keeps up with it), the old leader is healed
   * {@code healAfterMillis} into that, and with {@code cutNewMillis} >= 0 the new leader is cut off
   * that long after, for 1.5 s (past the 1 s leader timeout), so that it elects again; then the
   * third is resumed. An old leader coming back with a longer log of its own (its broker's messages
   * taken while it was cut off) to a new leader whose follower lags, as fault-schedule seed
   * 955119261 met it (docs/CLUSTER.md).
   */
  record StaleLeaderReturn(long healAfterMillis, long lagMillis, long cutNewMillis)
      implements Step {}

  /** Who a fault hits, chosen when it runs. */
  enum Target {
    /** The member that leads now. */
    LEADER,
    /** A member that does not lead now, preferring one the last fault did not hit. */
    FOLLOWER,
    /** Any member. */
    ANY
  }
}
