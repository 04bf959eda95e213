package io.ringchat.broker.stats;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * What a broker of a cluster shows an operator ({@code /metrics}, {@code /healthz}): its member's
 * role and term, what its link to the cluster went through (leader changes, resyncs, skips,
 * refusals, lost sessions), whether it can serve now, and the egress its member's room keeps for
 * each broker.
 *
 * <p>Each value has one writer: the link's thread (the ring consumer), the member's watcher thread
 * (role and term), or the clustered service's thread (egress per broker). Writers use ordered
 * writes; any thread reads.
 */
public final class ClusterStatus {
  /** A member's role as shown to operators; a front-end only is never a member. */
  public enum Role {
    LEADER("leader"),
    FOLLOWER("follower"),
    CANDIDATE("candidate"),
    FRONT_END("front-end");

    private final String label;

    Role(String label) {
      this.label = label;
    }

    /** Its name in metrics and in the ready file. */
    public String label() {
      return label;
    }
  }

  /** The egress one member's room keeps for one broker: bytes kept, messages not yet offered. */
  public static final class Egress {
    private final AtomicLong keptBytes = new AtomicLong();
    private final AtomicLong unsent = new AtomicLong();

    /** The clustered service's thread. */
    public void update(long keptBytes, long unsent) {
      this.keptBytes.lazySet(keptBytes);
      this.unsent.lazySet(unsent);
    }

    public long keptBytes() {
      return keptBytes.get();
    }

    public long unsent() {
      return unsent.get();
    }
  }

  private volatile Role role;
  private volatile boolean electing;
  private volatile boolean catchingUp;
  private volatile boolean sawLeader;
  private final AtomicLong term = new AtomicLong(-1);

  // The link's thread.
  private final AtomicLong leaderChanges = new AtomicLong();
  private final AtomicLong resyncs = new AtomicLong();
  private final AtomicLong ingressResends = new AtomicLong();
  private final AtomicLong skips = new AtomicLong();
  private final AtomicLong refusals = new AtomicLong();
  private final AtomicLong sessionsLost = new AtomicLong();
  private final AtomicLong sessionsTimedOut = new AtomicLong();

  // The node's restart thread.
  private final AtomicLong memberRestarts = new AtomicLong();
  // Written by the member's media driver thread only.
  private final AtomicLong canvassPositionsLowered = new AtomicLong();
  private volatile String unhealthy = "connecting to the cluster";

  private final Map<Long, Egress> egress = new ConcurrentHashMap<>();

  // The link's thread: its traced round trips, hop by hop.
  private final RoundTripHops roundTrips = new RoundTripHops();

  // The clustered service's thread: the log's retention, as this member's room agreed it.
  private final Map<Integer, Long> snapshotReported = new ConcurrentHashMap<>();
  private final AtomicLong purgeBelow = new AtomicLong(-1);

  /**
   * @param member whether this process is a member (else a front-end only, whose role never
   *     changes)
   */
  public ClusterStatus(boolean member) {
    this.role = member ? Role.FOLLOWER : Role.FRONT_END;
    this.sawLeader = !member; // a front-end has no member to ask
  }

  /** The member's watcher thread: its member won a ballot, or follows a leader's log. */
  public void sawLeader() {
    sawLeader = true;
  }

  /**
   * Whether this process's member has known a leader since it started (it won a ballot, or follows
   * a leader's log); always true for a front-end only.
   */
  public boolean hasSeenLeader() {
    return sawLeader;
  }

  /** The member's watcher thread. */
  public void role(Role role, long term) {
    this.term.lazySet(term);
    this.role = role;
  }

  public Role role() {
    return role;
  }

  /** The member's watcher thread: whether its consensus module is electing a leader now. */
  public void electing(boolean electing) {
    if (this.electing != electing) {
      this.electing = electing;
    }
  }

  /** The leadership term this member is in, or the last a front-end was told of (-1: none). */
  public long term() {
    return term.get();
  }

  /** The leadership term this process's member is in; -1 for a front-end only, or none yet. */
  public long memberTerm() {
    return role == Role.FRONT_END ? -1 : term.get();
  }

  /** Whether this process's member is electing a leader now. */
  public boolean electing() {
    return electing;
  }

  /**
   * The member's watcher thread: whether its member is catching up with a leader that leads on (its
   * broker serves meanwhile, but the member does not yet hold the log).
   */
  public void catchingUp(boolean catchingUp) {
    if (this.catchingUp != catchingUp) {
      this.catchingUp = catchingUp;
    }
  }

  /** Whether this process's member is catching up with the leader's log now. */
  public boolean catchingUp() {
    return catchingUp;
  }

  /** The link's thread: a new leader was announced to this broker's session. */
  public void leaderChanged(long term) {
    leaderChanges.lazySet(leaderChanges.get() + 1);
    if (role == Role.FRONT_END) {
      this.term.lazySet(term);
    }
  }

  /** The link's thread: this broker asked the room again for egress it may have missed. */
  public void resync() {
    resyncs.lazySet(resyncs.get() + 1);
  }

  /**
   * The link's thread: an ingress message went unacknowledged too long and was offered again with
   * what followed it.
   */
  public void ingressResent() {
    ingressResends.lazySet(ingressResends.get() + 1);
  }

  /** The link's thread: the room no longer had egress this broker missed (its members closed). */
  public void skip() {
    skips.lazySet(skips.get() + 1);
  }

  /** The link's thread: a SEND was refused with {@code ERR unavailable} (no leader in time). */
  public void refused() {
    refusals.lazySet(refusals.get() + 1);
  }

  /** The link's thread: the cluster closed this broker's session (its members closed). */
  public void sessionLost() {
    sessionsLost.lazySet(sessionsLost.get() + 1);
  }

  /**
   * The clustered service's thread: the room closed a broker's session because the cluster timed it
   * out (the broker went without closing it, or the leader that took it over never heard from it).
   */
  public void sessionTimedOut() {
    sessionsTimedOut.lazySet(sessionsTimedOut.get() + 1);
  }

  /**
   * The node's restart thread: the member's consensus module and room were restarted in place,
   * because the member could not replay its own log.
   */
  public void memberRestarted() {
    memberRestarts.incrementAndGet();
  }

  public long memberRestarts() {
    return memberRestarts.get();
  }

  /**
   * The member's media driver thread: a member's canvass position was lowered to the commit
   * position before this leader's consensus module read it (an Aeron fault, docs/CLUSTER.md).
   */
  public void canvassPositionLowered() {
    canvassPositionsLowered.lazySet(canvassPositionsLowered.get() + 1);
  }

  public long canvassPositionsLowered() {
    return canvassPositionsLowered.get();
  }

  /** The link's thread: why this broker cannot serve now, or null when it can. */
  public void unhealthy(String why) {
    unhealthy = why;
  }

  /** Why the broker cannot serve now ({@code /healthz} says 503 with it), or null. */
  public String unhealthy() {
    String why = unhealthy;
    if (why == null && electing) {
      return "no cluster leader: the members are electing one";
    }
    return why;
  }

  public long leaderChanges() {
    return leaderChanges.get();
  }

  public long resyncs() {
    return resyncs.get();
  }

  public long ingressResends() {
    return ingressResends.get();
  }

  public long skips() {
    return skips.get();
  }

  public long refusals() {
    return refusals.get();
  }

  public long sessionsLost() {
    return sessionsLost.get();
  }

  public long sessionsTimedOut() {
    return sessionsTimedOut.get();
  }

  /** The link's traced round trips through the room, hop by hop. */
  public RoundTripHops roundTrips() {
    return roundTrips;
  }

  /** The clustered service's thread: a broker's session opened; returns its gauges. */
  public Egress egressOpened(long sessionId) {
    Egress gauges = new Egress();
    egress.put(sessionId, gauges);
    return gauges;
  }

  /** The clustered service's thread: a broker's session closed. */
  public void egressClosed(long sessionId) {
    egress.remove(sessionId);
  }

  /** Whether this member's room has broker session {@code sessionId} open. Any thread. */
  public boolean hasEgress(long sessionId) {
    return egress.containsKey(sessionId);
  }

  /** Each broker's egress gauges, by cluster session id. */
  public void forEachEgress(BiConsumer<Long, Egress> action) {
    egress.forEach(action);
  }

  /**
   * The room applied member {@code member}'s report of a snapshot at {@code position}, and agrees
   * that the log below {@code purgeBelow} can go (-1: nothing yet). The clustered service's thread.
   */
  public void snapshotReported(int member, long position, long purgeBelow) {
    snapshotReported.merge(member, position, Math::max);
    this.purgeBelow.accumulateAndGet(purgeBelow, Math::max);
  }

  /** Each member's newest snapshot position that this member's room has a report of. */
  public void forEachSnapshotReported(BiConsumer<Integer, Long> action) {
    snapshotReported.forEach(action);
  }

  /** The log position below which every member can do without the log, or -1. */
  public long purgeBelow() {
    return purgeBelow.get();
  }
}
