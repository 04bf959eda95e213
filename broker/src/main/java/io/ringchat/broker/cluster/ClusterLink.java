package io.ringchat.broker.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.ringchat.broker.ring.RingConsumer;
import io.ringchat.broker.ring.RingEvent;
import io.ringchat.broker.room.HistoryOptions;
import io.ringchat.broker.room.Outbound;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.broker.stats.ClusterStatus;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.JoinPosition;
import io.ringchat.protocol.ServerFrames;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongHashSet;

/**
 * A broker's side of the cluster, as the ring's one consumer: its connections' requests go in
 * through an {@link IngressSequencer} (one numbered message per ring batch), the room's egress
 * comes back through an {@link EgressReader} to the same write path as a single broker's room, and
 * the {@link LinkSession} keeps a session to the cluster. This class only calls them in turn and
 * does what concerns the broker's members: when the room's stream is lost to them (the session, or
 * egress that cannot be had again), each is told in one line and closed.
 *
 * <p>Egress is polled at the end of each ring batch and whenever the ring has been idle for a
 * moment ({@link ClusterWaitStrategy} times out into {@link #onTimeout}).
 *
 * <p>The ring's consumer thread only (the Aeron cluster client is single-threaded), except {@link
 * #awaitStopped} and {@link #connect}.
 */
public final class ClusterLink
    implements RingConsumer, LinkSession.Listener, EgressReader.Listener, AutoCloseable {
  private final Outbound out;
  private final ClusterWaitStrategy wait;
  private final BrokerCounters counters;
  private final ClusterStatus status;
  private final LinkSession session;
  private final RoundTripTracer tracer;
  private final IngressSequencer ingress;
  private final EgressReader egress;
  private final SnapshotReporter snapshots;
  private final LinkHealth health;
  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final long resendMs;

  /**
   * This broker's connections that asked to join the room, until they disconnect: if this broker
   * loses the room's stream, each is told and closed, whether or not its WELCOME got through.
   */
  private final LongHashSet joining = new LongHashSet();

  /** The connections that asked to join with HISTORY or SINCE, until their WELCOME. */
  private final LongHashSet positionedJoining = new LongHashSet();

  /**
   * Positioned members (WELCOMEd): when egress is lost for good they stay, and are told which
   * messages they missed ({@code GAP}), as they would be if they resumed.
   */
  private final LongHashSet positioned = new LongHashSet();

  private final ReplayCopy copy;

  /** The broker is stopping: nothing more goes to the cluster. */
  private boolean shutDown;

  ClusterLink(
      ClusterContext ctx,
      LinkSession session,
      Outbound out,
      ClusterWaitStrategy wait,
      BrokerCounters counters,
      ClusterStatus status,
      LogRetention retention,
      HistoryOptions history) {
    this.out = out;
    this.wait = wait;
    this.counters = counters;
    this.status = status;
    this.session = session;
    this.resendMs = ctx.ingressResendNs() / 1_000_000;
    this.tracer = new RoundTripTracer(ctx.epochClock(), ctx.traceIntervalNs(), status.roundTrips());
    this.ingress =
        new IngressSequencer(
            ctx.nanoClock(),
            ctx.holdNs(),
            ctx.ingressResendNs(),
            this::refuse,
            ctx.maxIngressMessageBytes(),
            tracer);
    this.copy =
        new ReplayCopy(
            alloc,
            history.messages(),
            history.bytes(),
            Math.min(history.bytes(), ctx.maxPendingBytes()),
            out,
            counters);
    this.egress = new EgressReader(out, alloc, ctx.nanoClock(), ctx.resyncRetryNs(), this, copy);
    this.snapshots = new SnapshotReporter(retention);
    this.health = new LinkHealth(status);
    session.listener(this);
    egress.startFill(); // the first session is up already (later ones start the fill when made)
  }

  /**
   * Connects to the cluster (waiting for a leader up to the context's connect timeout).
   *
   * @param aeronDir the media driver to use (a cluster member's own), or null to start one
   * @param egressHost the address the cluster sends egress to (this host, as the members see it)
   * @param retention this process's member's snapshots, to report to the room; null for a front-end
   *     only
   * @param history the limits of this broker's copy of the room's history (its epoch and clock are
   *     the room's)
   */
  public static ClusterLink connect(
      ClusterContext ctx,
      ClusterMembers members,
      String aeronDir,
      String egressHost,
      Outbound out,
      ClusterWaitStrategy wait,
      BrokerCounters counters,
      ClusterStatus status,
      LogRetention retention,
      HistoryOptions history) {
    ctx.checkConcluded();
    LinkSession session = new LinkSession(ctx, members, aeronDir, egressHost, status);
    return new ClusterLink(ctx, session, out, wait, counters, status, retention, history);
  }

  @Override
  public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
    if (shutDown) {
      event.clear();
      return;
    }
    try {
      long connection = event.connection();
      switch (event.kind()) {
        case JOIN -> {
          joining.add(connection);
          JoinPosition position = event.position();
          if (position == null) {
            ingress.add(ClusterWire.JOIN, connection, utf8(event.name().display()));
          } else {
            positionedJoining.add(connection);
            ingress.add(
                ClusterWire.JOIN_POSITIONED,
                connection,
                JoinDetail.encode(event.name().display(), position));
          }
        }
        case SEND -> ingress.add(ClusterWire.SEND, connection, event.payload());
        case WHO -> ingress.add(ClusterWire.WHO, connection);
        case PING -> ingress.add(ClusterWire.PING, connection, event.payload());
        case LEAVE -> ingress.add(ClusterWire.LEAVE, connection);
        case REJECT -> ingress.add(ClusterWire.REJECT, connection, utf8(event.error().wireName()));
        case DISCONNECTED -> {
          forget(connection);
          ingress.add(ClusterWire.DISCONNECTED, connection);
        }
        case EVICTED -> {
          forget(connection);
          ingress.add(ClusterWire.EVICTED, connection);
        }
        case SHUTDOWN -> shutdown();
        case WAKE -> {
          // an I/O loop is free: the end of this batch hands it what was held back
        }
      }
    } finally {
      event.clear();
      if (endOfBatch) {
        ingress.seal();
        poll();
      }
    }
  }

  private void forget(long connection) {
    joining.remove(connection);
    positionedJoining.remove(connection);
    positioned.remove(connection);
    copy.forget(connection);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The ring was idle for a while: look for egress, and keep the session alive. */
  @Override
  public void onTimeout(long sequence) {
    poll();
  }

  private void poll() {
    if (shutDown) {
      return; // the broker is stopping: its session is closed on purpose
    }
    wait.polling(ingress.waiting() > 0);
    if (session.ready()) {
      session.checkTerm();
      ingress.checkHold();
      if (ingress.checkResend()) {
        status.ingressResent();
        System.err.println(
            "ringchat cluster: ingress unacknowledged for "
                + resendMs
                + " ms: offering its "
                + ingress.waiting()
                + " waiting messages again");
      }
      egress.sendResync(session);
      egress.sendFill(session);
      ingress.sendUnsent(session);
      snapshots.report(session);
      session.poll();
      session.keepAlive();
      // Every time, not only after new egress: an I/O loop that was busy holds output back until
      // it wakes the ring (WAKE), and this hands that output over.
      out.endOfBatch();
    }
    wait.briefly(session.connectingToLeader());
    health.show(session.unhealthy(), ingress.unavailable());
  }

  // What the egress and the session mean for this broker's members.

  @Override
  public void onEgress(DirectBuffer buffer, int offset, int length) {
    egress.onEgress(buffer, offset, length);
  }

  @Override
  public void answered(long ack) {
    ingress.answered(ack);
  }

  /**
   * Egress is lost for good: version 1 members are told in one line and closed (they cannot tell a
   * gap); positioned members stay, and are told which messages they missed once the next kept
   * message shows it ({@link #missedMessages}).
   */
  @Override
  public void missed(long from, long to) {
    System.err.println("ringchat cluster: egress " + from + " to " + to + " is lost");
    status.skip();
    closeMembers("this broker missed messages it cannot get again; connect again", positioned);
  }

  @Override
  public void joined(long connection) {
    if (positionedJoining.remove(connection)) {
      positioned.add(connection);
    }
  }

  @Override
  public void missedMessages(long from, long to) {
    positioned.forEach(
        connection -> {
          ByteBuf gap = alloc.buffer(48);
          ServerFrames.writeGap(gap, from, to);
          copy.write(connection, gap, 0, gap.readableBytes(), false); // behind a waiting replay
          gap.release();
        });
    counters.gap();
  }

  @Override
  public void traced(long offeredAt, long appendedAt, long appliedAt, long doneAt) {
    tracer.answered(offeredAt, appendedAt, appliedAt, doneAt);
  }

  @Override
  public void resyncSent() {
    status.resync();
  }

  @Override
  public void onNewLeader() {
    ingress.resendAll(); // the new leader may not have what the old one took
    egress.requestResync(); // and the old one may have died with egress for this broker in flight
  }

  @Override
  public void onSessionLost() {
    closeMembers("this broker lost the cluster; connect again", new LongHashSet());
    ingress.restart();
    egress.restart();
  }

  @Override
  public void onSessionStarted() {
    ingress.sessionStarted();
    egress.startFill();
  }

  /**
   * Every member of this broker (every connection that asked to join) but those {@code kept} is
   * told {@code why} and disconnected, and so is every other connection with a request the room has
   * not answered, which will now never be answered.
   */
  private void closeMembers(String why, LongHashSet kept) {
    LongHashSet closing = new LongHashSet();
    closing.addAll(joining);
    ingress.forEachWaiting(closing::add);
    closing.removeAll(kept);
    closing.forEach(
        connection -> {
          counters.error(ErrorCode.UNAVAILABLE);
          // Its replay, if it waits for the fill, is not served: the member asks again elsewhere.
          copy.forget(connection);
          out.writeAndClose(connection, ServerFrames.encodeErr(alloc, ErrorCode.UNAVAILABLE, why));
        });
    joining.retainAll(kept);
    positionedJoining.clear();
    positioned.retainAll(kept);
    out.endOfBatch();
  }

  /**
   * Answers a SEND that no leader ordered in time: it reached nobody, or, if a leader ordered it
   * just before it was lost, everybody ({@link IngressSequencer#checkHold}).
   */
  private void refuse(long connection) {
    counters.error(ErrorCode.UNAVAILABLE);
    status.refused();
    ByteBuf err = ServerFrames.encodeErr(alloc, ErrorCode.UNAVAILABLE);
    copy.write(connection, err, 0, err.readableBytes(), false); // behind a waiting replay
    err.release();
  }

  private void shutdown() {
    // Closing the session tells the room: this broker's members leave, their names are free.
    if (session.open()) {
      poll();
    }
    session.end();
    copy.close();
    shutDown = true;
    stopped.countDown();
  }

  @Override
  public boolean awaitStopped(long timeoutMillis) throws InterruptedException {
    return stopped.await(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * The cluster session id of this broker's session, or of its last one; -1 before the first. Any
   * thread: the thread that stops the broker waits for its close ({@link ClusterNode#close}).
   */
  public long sessionId() {
    return session.sessionId();
  }

  @Override
  public void close() {
    CloseHelper.close(session);
  }
}
