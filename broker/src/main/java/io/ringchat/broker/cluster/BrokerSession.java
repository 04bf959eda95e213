package io.ringchat.broker.cluster;

import io.aeron.cluster.service.ClientSession;
import io.ringchat.broker.stats.ClusterStatus;
import org.agrona.collections.Long2LongHashMap;

/**
 * One broker as the room sees it, on every member alike: its cluster session, the last of its
 * ingress seqs applied, its connection ids mapped to room-wide ids, and the egress the room numbers
 * and keeps for it (for resends after a leader change or back pressure) with how far this member
 * has offered it. Not the broker process itself ({@link io.ringchat.broker.Broker}): the room's
 * record of a session. Used on the clustered service's thread only.
 */
final class BrokerSession {
  final ClientSession session;

  /**
   * The last ingress seq of this broker applied: one at or below it is a resend, one past the next
   * follows a message lost on the way (applied only after it, when the broker offers both again).
   */
  long lastSeq;

  /** Its egress, numbered, the newest kept: the same on every member. */
  final KeptEgress kept;

  /** How far this member has offered {@link #kept} (a leader's; a follower's always all). */
  final EgressDelivery delivery;

  /** In the list of brokers that did not take everything yet. */
  boolean behind;

  /** What operators see of its egress, or null (tests). */
  ClusterStatus.Egress gauges;

  /** Its output in the batch being gathered. */
  final GatheredOutput output = new GatheredOutput(this);

  /** Its connection ids to room-wide ids. */
  final Long2LongHashMap ids = new Long2LongHashMap(0);

  /**
   * @param session its cluster session (null in tests)
   * @param egress where its egress goes
   * @param keptBytes how much egress is kept for resends
   */
  BrokerSession(ClientSession session, Offer egress, long keptBytes) {
    this.session = session;
    this.kept = new KeptEgress(keptBytes);
    this.delivery = new EgressDelivery(kept, egress);
  }

  /** A broker whose egress goes to its cluster session. */
  static BrokerSession of(ClientSession session, long keptBytes) {
    return new BrokerSession(session, Offer.retrying(session::offer), keptBytes);
  }

  /**
   * Whether {@code seq} is the next to apply (and now the last applied). One applied before is a
   * resend; one further on means a message before it never arrived, and applying it would
   * acknowledge the lost one as well: the broker would forget it, and it would be lost without a
   * word to its sender.
   */
  boolean next(long seq) {
    if (seq != lastSeq + 1) {
      return false;
    }
    lastSeq = seq;
    return true;
  }

  /** From a snapshot: its egress numbering goes on after {@code last}, all of it offered. */
  void restoreEgress(long last) {
    kept.restartAfter(last);
    delivery.resendAfter(last);
  }

  void showGauges() {
    if (gauges != null) {
      gauges.update(kept.bytes(), delivery.unsent());
    }
  }
}
