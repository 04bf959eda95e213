package io.ringchat.broker.cluster;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Sends one broker its {@link KeptEgress} in order, and never waits for it: what the broker cannot
 * take now (back pressure, an egress publication not yet connected after an election, a broker that
 * is gone) stays kept and is offered again on the next {@link #pump}, before anything newer; what
 * is no longer kept by then is announced with a {@link ClusterWire#SKIP}, so that the broker knows
 * its members missed lines instead of waiting for them.
 *
 * <p>How far this member has offered is its own, not part of the replicated room: a follower's
 * offers go nowhere and always succeed, so only a leader is ever behind. A new leader learns from
 * each broker's {@link ClusterWire#RESYNC} where to start ({@link #resendAfter}).
 *
 * <p>The clustered service's thread only.
 */
final class EgressDelivery {
  private final KeptEgress kept;
  private final Offer channel;
  private final UnsafeBuffer message = new UnsafeBuffer(0, 0);
  private final UnsafeBuffer skip = new UnsafeBuffer(new byte[ControlFlyweights.Skip.LENGTH]);

  /** The number of the last message offered successfully. */
  private long offered;

  private long skips;

  EgressDelivery(KeptEgress kept, Offer channel) {
    this.kept = kept;
    this.channel = channel;
    this.offered = kept.last();
  }

  /**
   * Offers what has not been offered yet, oldest first, until the broker takes no more. Returns
   * whether everything made has been offered.
   */
  boolean pump() {
    while (offered < kept.last()) {
      long next = offered + 1;
      long first = kept.firstKept();
      if (next < first) {
        ControlFlyweights.Skip.put(skip, first);
        if (!channel.offer(skip, 0, ControlFlyweights.Skip.LENGTH)) {
          return false;
        }
        skips++;
        offered = first - 1;
        continue;
      }
      int length = kept.wrap(next, message);
      if (!channel.offer(message, 0, length)) {
        return false;
      }
      offered = next;
    }
    return true;
  }

  /**
   * The broker has everything up to {@code last} and wants the rest (after a leader change, or a
   * gap it saw): the next {@link #pump} starts after it.
   */
  void resendAfter(long last) {
    offered = Math.max(0, Math.min(last, kept.last()));
  }

  /** How many messages made have not been offered yet. */
  long unsent() {
    return kept.last() - offered;
  }

  /** SKIPs sent by this member (what a broker missed was no longer kept). */
  long skips() {
    return skips;
  }
}
