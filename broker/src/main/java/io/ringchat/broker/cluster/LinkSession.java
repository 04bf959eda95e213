package io.ringchat.broker.cluster;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.codecs.EventCode;
import io.aeron.logbuffer.Header;
import io.ringchat.broker.stats.ClusterStatus;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;

/**
 * A broker's session with the cluster, and only that: the session in use, replaced by a new one
 * ({@link SessionConnector}) when it is lost, the keepalive, and the check that the session has not
 * silently fallen behind this broker's own member. Egress is polled through a {@link
 * StaleLeaderFilter} and handed to the {@link Listener}; offers go to the session's ingress.
 *
 * <p>The link's thread only, except the constructor's connect (the thread starting the broker).
 */
final class LinkSession implements StaleLeaderFilter.Link, Offer, AutoCloseable {
  /** What the session's life means for the rest of the link. */
  interface Listener {
    void onEgress(DirectBuffer buffer, int offset, int length);

    /** A new leader was announced: it may lack what the old one took and sent. */
    void onNewLeader();

    /** The session is gone (the room took this broker's members out); a new one is being made. */
    void onSessionLost();

    /** A new session is up, numbered afresh. */
    void onSessionStarted();
  }

  private final ClusterContext ctx;
  private final NanoClock clock;
  private final ClusterStatus status;
  private final SessionConnector connector;
  private Listener listener;
  private AeronCluster cluster;
  // The session's ingress (whichever session is current): made once, not a lambda per message.
  private final Offer ingress =
      Offer.retrying((buffer, offset, length) -> cluster.offer(buffer, offset, length));
  private StaleLeaderFilter egress;
  private boolean closedByCluster;
  private long unannouncedSinceNs = -1;
  private long lastSendNs;
  // Until when the session's ingress may still be connecting to a leader just announced.
  private long connectingUntilNs;
  // The session in use, for the thread that stops the broker (ClusterNode#close); -1: none.
  private volatile long sessionId = -1;

  /** Connects, waiting up to the context's connect timeout for a leader. */
  LinkSession(
      ClusterContext ctx,
      ClusterMembers members,
      String aeronDir,
      String egressHost,
      ClusterStatus status) {
    this.ctx = ctx;
    this.clock = ctx.nanoClock();
    this.connectingUntilNs = clock.nanoTime();
    this.status = status;
    this.connector = new SessionConnector(ctx, members, aeronDir, egressHost, new NewLeaders());
    use(connector.connect(status::hasSeenLeader));
  }

  /** Who hears of egress and of the session's life; set once, before the first poll. */
  void listener(Listener listener) {
    this.listener = listener;
  }

  private void use(AeronCluster connected) {
    cluster = connected;
    sessionId = connected.clusterSessionId();
    egress = new StaleLeaderFilter(connected, this);
    closedByCluster = false;
    unannouncedSinceNs = -1;
    lastSendNs = clock.nanoTime();
  }

  /** The client's own listener hears only of new leaders: egress goes through the filter. */
  private final class NewLeaders implements EgressListener {
    @Override
    public void onMessage(long session, long time, DirectBuffer b, int o, int l, Header h) {
      // never called: the client's own egress polling is not used
    }

    @Override
    public void onNewLeader(long session, long term, int leaderMemberId, String endpoints) {
      System.err.println(
          "ringchat cluster: new leader: member " + leaderMemberId + ", term " + term);
      status.leaderChanged(term);
      connectingUntilNs = clock.nanoTime() + ctx.messageTimeoutNs();
      if (listener != null) { // none yet only during the first connect, which resends nothing
        listener.onNewLeader();
      }
    }
  }

  /**
   * The cluster session id of the session in use, or last used; -1 before the first. Any thread.
   */
  long sessionId() {
    return sessionId;
  }

  /** Whether the session is up (no side effects, unlike {@link #ready}). */
  boolean open() {
    return cluster != null && !cluster.isClosed();
  }

  /**
   * Whether there is a session to use now; if not (lost, or closed by the cluster), the listener
   * has been told and a new one is being made, one step per call, without waiting.
   */
  boolean ready() {
    if (closedByCluster && cluster != null) {
      cluster.close();
    }
    if (open()) {
      return true;
    }
    if (cluster != null) {
      System.err.println("ringchat cluster: lost the session to the cluster; reconnecting");
      status.sessionLost();
      listener.onSessionLost();
      CloseHelper.quietClose(cluster);
      cluster = null;
    }
    AeronCluster connected = connector.poll();
    if (connected != null) {
      use(connected);
      listener.onSessionStarted();
    }
    return false;
  }

  /**
   * A member that wins the election it began with at start (it was restarted, and the leader went
   * while it caught up) times out every session it did not hear from, and cannot tell the brokers:
   * their sessions' egress was never connected to it. A broker that is itself a member knows
   * better: once its member has been in a term for a while that the session was never told of, the
   * session is taken for closed, and replaced.
   */
  void checkTerm() {
    long memberTerm = status.memberTerm();
    long now = clock.nanoTime();
    if (memberTerm <= cluster.leadershipTermId() || status.electing()) {
      unannouncedSinceNs = -1;
    } else if (unannouncedSinceNs < 0) {
      unannouncedSinceNs = now;
    } else if (now - unannouncedSinceNs - ctx.unannouncedTermNs() > 0) {
      unannouncedSinceNs = -1;
      onSessionClosed(
          "this broker's member is in term "
              + memberTerm
              + " and the session was told of no leader after term "
              + cluster.leadershipTermId());
    }
  }

  @Override
  public boolean offer(DirectBuffer buffer, int offset, int length) {
    if (!ingress.offer(buffer, offset, length)) {
      return false;
    }
    lastSendNs = clock.nanoTime();
    ctx.wakes().toDriver();
    return true;
  }

  /** Runs the client's conductor and polls egress (to the listener); returns the work done. */
  int poll() {
    int work = connector.invokeClient();
    return work + egress.poll(clock.nanoTime());
  }

  /** Tells the cluster this session is alive, if nothing else was sent for a while. */
  void keepAlive() {
    long now = clock.nanoTime();
    if (now - lastSendNs > ctx.keepaliveIntervalNs() && cluster.sendKeepAlive()) {
      lastSendNs = now;
      ctx.wakes().toDriver();
    }
  }

  /**
   * Whether a new leader was announced a moment ago (within the message timeout, the client's own
   * limit for it) and the session's ingress to it is not connected yet. Nothing wakes the link when
   * it connects: polled only after the idle sleep, the brokers served again about 100 ms after they
   * heard of the new leader (docs/BENCHMARKS.md, "A broker serving again after a handover").
   */
  boolean connectingToLeader() {
    return open()
        && clock.nanoTime() - connectingUntilNs < 0
        && !cluster.ingressPublication().isConnected();
  }

  /** Why this broker cannot serve, as far as the session goes; null: it can. */
  String unhealthy() {
    if (!open()) {
      return "no cluster session: this broker lost its session and is making a new one";
    }
    if (!cluster.ingressPublication().isConnected()) {
      return "no cluster leader reachable: waiting for one";
    }
    return null;
  }

  @Override
  public void onEgress(DirectBuffer buffer, int offset, int length) {
    listener.onEgress(buffer, offset, length);
  }

  @Override
  public void onSessionClosed(String why) {
    System.err.println("ringchat cluster: this broker's session is over: " + why);
    closedByCluster = true;
  }

  @Override
  public void onSessionError(String detail) {
    System.err.println("ringchat cluster: session error: " + detail);
  }

  @Override
  public void onStaleEvent(EventCode code, long term, long knownTerm) {
    System.err.println(
        "ringchat cluster: ignored "
            + code
            + " for this broker's session from a replaced leader (term "
            + term
            + ", the leader's is "
            + knownTerm
            + ")");
  }

  /** Ends the session on purpose (the broker stops): the room lets its members go. */
  void end() {
    if (open()) {
      if (!cluster.ingressPublication().isConnected()) {
        // Aeron's client then sends no close at all: the room keeps this broker's members until
        // the cluster times the session out. Said, since a stop that looked clean was not.
        System.err.println(
            "ringchat cluster: this broker's session ends while its leader is not connected: the"
                + " cluster will time it out (its members stay in the room until then)");
      }
      cluster.close();
    }
  }

  @Override
  public void close() {
    CloseHelper.closeAll(cluster, connector);
  }
}
