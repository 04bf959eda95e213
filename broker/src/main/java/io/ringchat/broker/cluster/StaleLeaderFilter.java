package io.ringchat.broker.cluster;

import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Subscription;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressAdapter;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.codecs.EventCode;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;

/**
 * Polls one cluster session's egress in place of {@link AeronCluster#pollEgress}, drops what a
 * leader that was replaced says about the session, and notices, as the client itself would, when
 * the leader's egress is gone with no new leader announced.
 *
 * <p>Why: Aeron's cluster client closes its session on a {@code CLOSED} session event from any
 * member. A leader that was paused (a long GC, a frozen VM, SIGSTOP) for longer than the session
 * timeout wakes up still believing it leads, times out every session that moved on to the new
 * leader, and tells each broker so before it learns it was replaced; every broker then closed its
 * members although its session was alive (the fault-schedule test found it). Each session event
 * carries the leadership term it was sent in: one from a term older than the newest this session
 * was told of is ignored. New-leader events go to the client ({@link AeronCluster#onNewLeader}), as
 * its own polling would, unless they are older than the term it knows.
 *
 * <p>What the client's polling did besides, and this does too: once the image of the leader's
 * egress closes (the leader died, and the media driver's image liveness timeout passed) and no new
 * leader is announced within the client's new-leader timeout, the session is given up ({@link
 * Link#onSessionClosed}), so that the broker makes a new one instead of waiting for ever on a
 * session that the new leader may already have timed out.
 *
 * <p>The link's thread only.
 */
final class StaleLeaderFilter implements EgressListener {
  /** Fragments per poll of the subscription: as the client's own. */
  private static final int FRAGMENT_LIMIT = 10;

  /**
   * Polls of the subscription per {@link #poll} while each fills its limit: the image holds at most
   * the receiver's window (128 KiB, about 93 fragments) beyond what was read, so this drains it.
   */
  private static final int MAX_POLLS = 64;

  /** What the link does with what passes. */
  interface Link {
    void onEgress(DirectBuffer buffer, int offset, int length);

    /** The session is over: the cluster closed it, or its leader is gone with no successor. */
    void onSessionClosed(String why);

    /** The cluster reported an error on this session (e.g. a message it would not take). */
    void onSessionError(String detail);

    /** A session event from a replaced leader was dropped. */
    void onStaleEvent(EventCode code, long term, long knownTerm);
  }

  private final AeronCluster cluster;
  private final Link link;
  private final Subscription subscription;
  private final FragmentAssembler assembler;
  private final long newLeaderTimeoutNs;

  /** The fragment being handled: which image (which member) it came from. */
  private Header current;

  /** The image the leader's egress comes in on; null until the first fragment of the session. */
  private Image leaderImage;

  /** When the leader's image was found closed, waiting for a new leader; -1 while it is open. */
  private long leaderLostNs = -1;

  StaleLeaderFilter(AeronCluster cluster, Link link) {
    this.cluster = cluster;
    this.link = link;
    this.subscription = cluster.egressSubscription();
    this.newLeaderTimeoutNs = cluster.context().newLeaderTimeoutNs();
    EgressAdapter decoder =
        new EgressAdapter(this, cluster.clusterSessionId(), subscription, FRAGMENT_LIMIT);
    FragmentHandler remembering =
        (buffer, offset, length, header) -> {
          current = header;
          decoder.onFragment(buffer, offset, length, header);
        };
    this.assembler = new FragmentAssembler(remembering);
  }

  /**
   * Polls egress and the client's own state changes (a new leader's connection, a close), and
   * watches the leader's image. Returns the work done.
   */
  int poll(long nowNs) {
    // Until the image is drained: a link that read 10 fragments and parked waited for the next
    // packet to wake it, and a leader held by flow control sends none until this broker has read
    // (a 128-KiB egress message is 93 fragments): a burst of 4.8 MB reached the members of the
    // brokers other than the sender's 5 to 13 s after the sender's (docs/BENCHMARKS.md, "A burst
    // to the other brokers").
    int work = 0;
    int polled;
    int polls = 0;
    do {
      polled = subscription.poll(assembler, FRAGMENT_LIMIT);
      work += polled;
    } while (polled == FRAGMENT_LIMIT && ++polls < MAX_POLLS);
    work += cluster.pollStateChanges();
    if (leaderImage != null && leaderImage.isClosed() && leaderLostNs < 0) {
      leaderLostNs = nowNs;
    }
    if (leaderLostNs >= 0 && nowNs - leaderLostNs - newLeaderTimeoutNs > 0) {
      leaderLostNs = -1;
      leaderImage = null;
      link.onSessionClosed(
          "the leader's egress is gone and no new leader was announced within "
              + newLeaderTimeoutNs / 1_000_000
              + " ms");
    }
    return work;
  }

  /** The first fragment of the session comes from its leader: its image is watched. */
  private void seen() {
    if (leaderImage == null) {
      leaderImage = (Image) current.context();
    }
  }

  @Override
  public void onMessage(
      long clusterSessionId,
      long timestamp,
      DirectBuffer buffer,
      int offset,
      int length,
      Header header) {
    seen();
    // Egress from a replaced leader is still the room's: it only ever sends what was committed,
    // and the link drops what it has already applied.
    link.onEgress(buffer, offset, length);
  }

  @Override
  public void onSessionEvent(
      long correlationId,
      long clusterSessionId,
      long leadershipTermId,
      int leaderMemberId,
      EventCode code,
      String detail) {
    seen();
    long known = cluster.leadershipTermId();
    if (code == EventCode.CLOSED && leadershipTermId < known) {
      link.onStaleEvent(code, leadershipTermId, known);
    } else if (code == EventCode.CLOSED) {
      link.onSessionClosed("the cluster closed it (" + detail + ")");
    } else if (code == EventCode.ERROR) {
      link.onSessionError(detail);
    }
  }

  @Override
  public void onNewLeader(
      long clusterSessionId, long leadershipTermId, int leaderMemberId, String ingressEndpoints) {
    if (leadershipTermId >= cluster.leadershipTermId()) {
      leaderImage = (Image) current.context();
      leaderLostNs = -1;
      cluster.onNewLeader(clusterSessionId, leadershipTermId, leaderMemberId, ingressEndpoints);
    }
  }
}
