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

  /** When the last trace was stamped (epoch ns), or {@link Long#MIN_VALUE}: none yet. */
  private long lastAt = Long.MIN_VALUE;

  /** The stamp of the trace in flight, or 0: none. */
  private long inFlight;

  /** A message was marked to be traced and is not offered yet: no other is marked meanwhile. */
  private boolean marked;

  /**
   * @param intervalNs the least time between two traces (0: none at all)
   */
  RoundTripTracer(EpochNanoClock clock, long intervalNs, RoundTripHops hops) {
    this.clock = clock;
    this.intervalNs = intervalNs;
    this.hops = hops;
  }

  /** Whether the message being sealed now should be traced. */
  boolean due() {
    if (intervalNs <= 0 || marked) {
      return false;
    }
    long now = clock.nanoTime();
    if (inFlight != 0 && now - inFlight < GIVE_UP_NS) {
      return false;
    }
    marked = lastAt == Long.MIN_VALUE || now - lastAt >= intervalNs;
    return marked;
  }

  /**
   * A traced message is offered for the first time, {@code waitedNs} after it was sealed: returns
   * its stamp (never 0), now in flight.
   */
  long offered(long waitedNs) {
    long now = Math.max(1, clock.nanoTime());
    marked = false;
    lastAt = now;
    inFlight = now;
    hops.observe(Hop.OFFER, waitedNs);
    return now;
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
