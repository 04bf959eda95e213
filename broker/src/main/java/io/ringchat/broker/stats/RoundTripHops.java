package io.ringchat.broker.stats;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.EnumMap;

/**
 * A broker's traced round trips through the clustered room, hop by hop, as one Prometheus histogram
 * ({@code ringchat_cluster_round_trip_seconds}, labelled by hop): where the time between a broker's
 * ring and its members' output goes, so that each millisecond of a busy room's latency has a name.
 * The link traces one ingress message in flight at a time, at most one every {@code
 * ClusterContext.traceIntervalNs}: a hundred observations a second at most, off the write path.
 *
 * <p>Buckets grow by half from 10 µs to about 15 s, fine enough to read a p99 from (the bench does,
 * from the counts' differences over a run).
 *
 * <p>The link's thread observes; any thread scrapes.
 */
public final class RoundTripHops {
  /** The hops of one round trip, in order; their means add up to {@link #ROUND_TRIP}'s. */
  public enum Hop {
    /**
     * The ring batch sealed into an ingress message until it was first offered (messages ahead of
     * it offered first).
     */
    OFFER("offer"),
    /**
     * First offered until the leader's consensus module appended it to the log (its timestamp):
     * back pressure on the ingress included.
     */
    TO_LEADER("to_leader"),
    /**
     * Appended until the leader's room reads it: the followers receive and acknowledge it, the
     * commit position passes it, and the room is done with what the log had before it.
     */
    COMMIT("commit"),
    /** The leader's room applies the message's events and gathers their output. */
    ROOM("room"),
    /** The room's output encoded and offered until this broker's link reads it. */
    EGRESS("egress"),
    /** Offered until this broker's link reads its answer: all but {@link #OFFER}. */
    ROUND_TRIP("round_trip");

    private final String label;

    Hop(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private final Histogram histogram;
  private final EnumMap<Hop, DistributionDataPoint> hops = new EnumMap<>(Hop.class);

  public RoundTripHops() {
    double[] bounds = new double[36];
    double bound = 10e-6;
    for (int i = 0; i < bounds.length; i++, bound *= 1.5) {
      bounds[i] = bound;
    }
    histogram =
        Histogram.builder()
            .name("ringchat_cluster_round_trip_seconds")
            .help(
                "Traced ingress messages' round trips through the room, by hop: offer (sealed"
                    + " until first offered), to_leader (until its log had it), commit (until"
                    + " the leader's room read it: replication and commit), room (applied),"
                    + " egress (until this broker read the answer), round_trip (all but offer).")
            .unit(Unit.SECONDS)
            .labelNames("hop")
            .classicOnly()
            .classicUpperBounds(bounds)
            .withoutExemplars()
            .build();
    for (Hop hop : Hop.values()) {
      hops.put(hop, histogram.labelValues(hop.label()));
    }
  }

  /** The link's thread: one traced message spent {@code nanos} in {@code hop}. */
  public void observe(Hop hop, long nanos) {
    hops.get(hop).observe(nanos / 1e9);
  }

  /** How many round trips were traced in {@code hop} (tests). */
  public long count(Hop hop) {
    return hops.get(hop).getCount();
  }

  /** The seconds observed in {@code hop} in all (tests). */
  public double sum(Hop hop) {
    return hops.get(hop).getSum();
  }

  Histogram histogram() {
    return histogram;
  }
}
