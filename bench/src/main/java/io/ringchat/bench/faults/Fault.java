package io.ringchat.bench.faults;

/** The kinds of fault the nemesis injects, as the report counts them. */
enum Fault {
  /** SIGKILL, then a restart with the member's directory (at once, or after a while down). */
  KILL("SIGKILL and restart"),
  /** Each member in turn stopped with SIGTERM and restarted: a rolling restart. */
  ROLLING_RESTART("rolling restart (SIGTERM each in turn)"),
  /** SIGSTOP for 0.5 to 8 s (shorter and longer than the session and election timeouts). */
  PAUSE("SIGSTOP and SIGCONT"),
  /** The member's cluster link cut (its clients' link up), then healed. */
  PARTITION("partition and heal"),
  /** The leader cut off and healed while the new leader's follower was paused. */
  STALE_LEADER_RETURN("old leader back to a new leader whose follower lags");

  private final String description;

  Fault(String description) {
    this.description = description;
  }

  String description() {
    return description;
  }
}
