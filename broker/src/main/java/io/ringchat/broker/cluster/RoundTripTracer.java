package io.ringchat.broker.cluster;

import io.ringchat.broker.stats.RoundTripHops;
import io.ringchat.broker.stats.RoundTripHops.Hop;
import org.agrona.concurrent.EpochNanoClock;

/**
 * Traces a broker's ingress through the room, one message at a time: at most one every interval
 * (and only while messages flow: an idle broker traces nothing), the message the sequencer seals
 * then is marked; when it is first offered, its {@code tracedAt} is stamped with the time; the
 * leader's room answers with a {@link RoundTripTrace} in the egress, and each hop goes to {@link
 * RoundTripHops}. Only the answer to the message in flight counts: egress sent again after a
 * resync, or a follower's room's answer kept for a later leader, carries another stamp and is
 * ignored. A trace whose answer never comes (a leader lost) is given up after a second.
 *
 * <p>The link's thread only.
 */
final class RoundTripTracer {
  private static final long GIVE_UP_NS = 1_000_000_000L;

  private final EpochNanoClock clock;
  private final long intervalNs;
  private final RoundTripHops hops;

  /**
   * When the last trace was stamped, on the sequencer's monotonic clock (the interval and the
   * give-up are durations: only the stamp and the answer read the epoch clock), or {@link
   * Long#MIN_VALUE}: none yet.
   */
  private long lastNs = Long.MIN_VALUE;

  /** The stamp of the trace in flight (epoch ns), or 0: none. */
  private long inFlight;

  /** A message was marked to be traced and is not offered yet: no other is marked meanwhile. */
  private boolean marked;

  /**
   * @param clock the stamps' and answers' clock: epoch nanoseconds, as the log's timestamps
   * @param intervalNs the least time between two traces (0: none at all)
   */
  RoundTripTracer(EpochNanoClock clock, long intervalNs, RoundTripHops hops) {
    this.clock = clock;
    this.intervalNs = intervalNs;
    this.hops = hops;
  }

  /** Whether the message being sealed now ({@code nowNs}, monotonic) should be traced. */
  boolean due(long nowNs) {
    if (intervalNs <= 0 || marked) {
      return false;
    }
    if (inFlight != 0 && nowNs - lastNs < GIVE_UP_NS) {
      return false;
    }
    marked = lastNs == Long.MIN_VALUE || nowNs - lastNs >= intervalNs;
    return marked;
  }

  /**
   * A traced message is offered for the first time at {@code nowNs} (monotonic), {@code waitedNs}
   * after it was sealed: returns its stamp (epoch ns, never 0), now in flight.
   */
  long offered(long nowNs, long waitedNs) {
    long stamp = Math.max(1, clock.nanoTime());
    marked = false;
    lastNs = nowNs;
    inFlight = stamp;
    hops.observe(Hop.OFFER, waitedNs);
    return stamp;
  }

  /** The room's answer to a traced message: its hops, if it answers the one in flight. */
  void answered(long offeredAt, long appendedAt, long appliedAt, long doneAt) {
    if (offeredAt != inFlight || inFlight == 0) {
      return; // a repeat, or an old trace
    }
    inFlight = 0;
    long now = clock.nanoTime();
    hops.observe(Hop.TO_LEADER, appendedAt - offeredAt);
    hops.observe(Hop.COMMIT, appliedAt - appendedAt);
    hops.observe(Hop.ROOM, doneAt - appliedAt);
    hops.observe(Hop.EGRESS, now - doneAt);
    hops.observe(Hop.ROUND_TRIP, now - offeredAt);
  }

  /** The session is lost: its messages, the marked one too, are gone. */
  void restart() {
    marked = false;
    inFlight = 0;
  }
}
