package io.ringchat.broker.cluster;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.cluster.codecs.EventCode;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.ringchat.broker.ring.RingConsumer;
import io.ringchat.broker.ring.RingEvent;
import io.ringchat.broker.room.Outbound;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.broker.stats.ClusterStatus;
import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.ServerFrames;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A broker's side of the cluster: takes the ring's events (its connections' requests, in order),
 * sends them to the clustered room as one ingress message per ring batch, and writes the room's
 * egress to its own connections through the same write path as a single broker's room.
 *
 * <p>Nothing sent is lost to a leader change: each message is numbered and kept until the room
 * acknowledges it, and sent again, in order, when a new leader appears; the room applies each
 * number once. Egress is numbered too: a gap (a leader died with some in flight) or a new leader
 * makes the link ask for what it missed ({@link ClusterWire#RESYNC}). Egress is polled here, at the
 * end of each ring batch and whenever the ring has been idle for a moment ({@link
 * ClusterWaitStrategy} times out into {@link #onTimeout}), through a {@link StaleLeaderFilter}. If
 * the cluster closes this broker's session, every member of the broker is told in one line and
 * closed, and a new session is made without waiting.
 *
 * <p>The ring's consumer thread only (the Aeron cluster client is single-threaded), except {@link
 * #awaitStopped} and the constructor's connect.
 */
public final class ClusterLink implements RingConsumer, StaleLeaderFilter.Link, AutoCloseable {
  private static final long KEEPALIVE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  private static final long RESYNC_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** A sent-but-unacknowledged ingress message. */
  private static final class Sent {
    final long seq;
    final long madeNanos = System.nanoTime();
    UnsafeBuffer bytes;

    Sent(long seq, byte[] bytes) {
      this.seq = seq;
      this.bytes = new UnsafeBuffer(bytes);
    }
  }

  private final Outbound out;
  private final ClusterWaitStrategy wait;
  private final MediaDriver ownDriver;
  private final AeronCluster.Context context;
  private final long holdNanos;
  private final BrokerCounters counters;
  private final ClusterStatus clusterStatus;

  /** Why this broker cannot serve now, as last shown to operators; null: it can. */
  private String unhealthy = "";

  /** The session to the cluster; replaced when the cluster closed the last one. */
  private AeronCluster cluster;

  /** The session's egress, polled here (not by the client: {@link StaleLeaderFilter}). */
  private StaleLeaderFilter egress;

  /** The current leader closed this session: it is replaced at the next poll. */
  private boolean closedByCluster;

  /**
   * How long this broker's own member may be in a newer term than the last leader announced to the
   * session before the session counts as closed. Aeron's client waits as long for a new leader.
   */
  private static final long UNANNOUNCED_TERM_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** Since when the member has been in a term the session was not told of; -1: it is not. */
  private long unannouncedSinceNanos = -1;

  /** A new session being made after the last one was lost, or null. */
  private AeronCluster.AsyncConnect reconnecting;

  /** Attempts at a new session that failed since the last one was lost. */
  private int failedConnects;

  /**
   * This broker's connections that asked to join the room, until they disconnect: if this broker
   * loses the room's stream (its session, or egress it cannot get again), each is told and closed,
   * whether or not its WELCOME got through.
   */
  private final LongHashSet joining = new LongHashSet();

  /** When egress last arrived: while none does, no leader is ordering anything. */
  private long lastEgressNanos = System.nanoTime();

  /** No leader for longer than --cluster-hold: SENDs are refused with ERR unavailable. */
  private boolean unavailable;

  /** The broker is stopping: nothing more goes to the cluster. */
  private boolean shutDown;

  private final ExpandableArrayBuffer batch = new ExpandableArrayBuffer(64 * 1024);
  private final ArrayDeque<Sent> unacked = new ArrayDeque<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final ByteBufAllocator alloc = ByteBufAllocator.DEFAULT;
  private int batchLength = ClusterWire.EVENTS_HEADER;
  private int batchCount;
  private long seq;

  /** Messages from this one on (in {@link #unacked}) have not been offered to this leader yet. */
  private int unsent;

  private long lastSendNanos = System.nanoTime();

  /** The number of the last egress message applied. */
  private long lastEgress;

  /** A resync is wanted: sent with the next poll, and again while no new egress follows. */
  private boolean resyncWanted;

  private long resyncSentNanos;

  private final UnsafeBuffer resync = new UnsafeBuffer(new byte[ClusterWire.RESYNC_LENGTH]);

  /** This process's cluster member, whose snapshots it reports; null for a front-end only. */
  private final LogRetention retention;

  private long snapshotReported = -1;

  private final UnsafeBuffer snapshotTaken =
      new UnsafeBuffer(new byte[ClusterWire.SNAPSHOT_TAKEN_LENGTH]);

  /**
   * Connects to the cluster (waiting for a leader, up to {@code connectTimeoutMillis}).
   *
   * @param aeronDir the media driver to use (a cluster member's own), or null to start one
   * @param egressHost the address the cluster sends egress to (this host, as the members see it)
   * @param retention this process's member's snapshots, to report to the room; null for a front-end
   *     only
   */
  public ClusterLink(
      ClusterMembers members,
      String aeronDir,
      String egressHost,
      Outbound out,
      ClusterWaitStrategy wait,
      long connectTimeoutMillis,
      Duration hold,
      BrokerCounters counters,
      ClusterStatus clusterStatus,
      LogRetention retention) {
    this.out = out;
    this.clusterStatus = clusterStatus;
    this.retention = retention;
    this.wait = wait;
    this.holdNanos = hold.toNanos();
    this.counters = counters;
    String dir = aeronDir;
    MediaDriver driver = null;
    if (dir == null) {
      driver =
          MediaDriver.launchEmbedded(
              new MediaDriver.Context()
                  .threadingMode(ThreadingMode.SHARED)
                  .sharedIdleStrategy(ClusterNode.backoff())
                  .termBufferSparseFile(true)
                  .dirDeleteOnShutdown(true));
      dir = driver.aeronDirectoryName();
    }
    this.ownDriver = driver;
    this.context =
        new AeronCluster.Context()
            .aeronDirectoryName(dir)
            // Room for bursts both ways: a broadcast to many members is much egress at once.
            .ingressChannel("aeron:udp?term-length=4m")
            .ingressEndpoints(members.ingressEndpoints())
            .egressChannel("aeron:udp?endpoint=" + egressHost + ":0|term-length=8m")
            .egressListener(new NewLeaders())
            // How long a connect attempt waits for its answer: one sent while leadership changes
            // goes unanswered, and the next attempt, to the new leader, should not wait long.
            .messageTimeoutNs(TimeUnit.SECONDS.toNanos(2));
    AeronCluster connected = null;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectTimeoutMillis);
    RuntimeException last = null;
    while (connected == null && System.nanoTime() - deadline < 0) {
      try {
        connected = AeronCluster.connect(context.clone());
      } catch (RuntimeException e) { // no leader yet: try again
        last = e;
      }
    }
    if (connected == null) {
      CloseHelper.close(driver);
      throw new IllegalStateException(
          "no cluster leader reachable at " + members.ingressEndpoints(), last);
    }
    this.cluster = connected;
    this.egress = new StaleLeaderFilter(connected, this);
  }

  /**
   * The client's own listener, which hears only of new leaders: this link polls egress itself, and
   * {@link StaleLeaderFilter} hands the client the new-leader events it lets through.
   */
  private final class NewLeaders implements EgressListener {
    @Override
    public void onMessage(
        long clusterSessionId,
        long timestamp,
        DirectBuffer buffer,
        int offset,
        int length,
        Header header) {
      // never called: the client's own egress polling is not used
    }

    @Override
    public void onNewLeader(
        long clusterSessionId, long leadershipTermId, int leaderMemberId, String ingressEndpoints) {
      newLeader(leadershipTermId, leaderMemberId);
    }
  }

  @Override
  public void onEvent(RingEvent event, long sequence, boolean endOfBatch) {
    if (shutDown) {
      event.clear();
      return;
    }
    try {
      switch (event.kind()) {
        case JOIN -> {
          joining.add(event.connection());
          add(ClusterWire.JOIN, event.connection(), utf8(event.name().display()));
        }
        case SEND -> {
          if (unavailable) {
            refuse(event.connection());
          } else {
            add(ClusterWire.SEND, event.connection(), event.payload());
          }
        }
        case WHO -> add(ClusterWire.WHO, event.connection(), (ByteBuf) null);
        case PING -> add(ClusterWire.PING, event.connection(), event.payload());
        case LEAVE -> add(ClusterWire.LEAVE, event.connection(), (ByteBuf) null);
        case REJECT -> add(ClusterWire.REJECT, event.connection(), utf8(event.error().wireName()));
        case DISCONNECTED -> {
          joining.remove(event.connection());
          add(ClusterWire.DISCONNECTED, event.connection(), (ByteBuf) null);
        }
        case EVICTED -> {
          joining.remove(event.connection());
          add(ClusterWire.EVICTED, event.connection(), (ByteBuf) null);
        }
        case SHUTDOWN -> shutdown();
        case WAKE -> {
          // an I/O loop is free: the end of this batch hands it what was held back
        }
      }
    } finally {
      event.clear();
      if (endOfBatch) {
        endOfBatch();
      }
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private void add(byte kind, long connection, ByteBuf detail) {
    int length = detail == null ? -1 : detail.readableBytes();
    header(kind, connection, length);
    if (detail != null) {
      batch.putBytes(batchLength, detail.nioBuffer(), length);
      batchLength += length;
    }
  }

  private void add(byte kind, long connection, byte[] detail) {
    header(kind, connection, detail.length);
    batch.putBytes(batchLength, detail);
    batchLength += detail.length;
  }

  private void header(byte kind, long connection, int length) {
    batch.putByte(batchLength, kind);
    batch.putLong(batchLength + 1, connection, ByteOrder.LITTLE_ENDIAN);
    batch.putInt(batchLength + 9, length, ByteOrder.LITTLE_ENDIAN);
    batchLength += ClusterWire.EVENT_HEADER;
    batchCount++;
  }

  private void endOfBatch() {
    if (batchCount > 0) {
      seq++;
      batch.putByte(0, ClusterWire.EVENTS);
      batch.putLong(1, seq, ByteOrder.LITTLE_ENDIAN);
      batch.putInt(9, batchCount, ByteOrder.LITTLE_ENDIAN);
      byte[] bytes = new byte[batchLength];
      batch.getBytes(0, bytes);
      unacked.add(new Sent(seq, bytes));
      batchLength = ClusterWire.EVENTS_HEADER;
      batchCount = 0;
    }
    poll();
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
    if (closedByCluster && cluster != null) {
      cluster.close(); // replaced just below, its members told
    }
    if (cluster == null || cluster.isClosed()) {
      reconnect();
      showHealth();
      return;
    }
    checkTerm();
    holdOrRefuse();
    sendResync();
    sendUnsent();
    reportSnapshot();
    int work = egress.poll(System.nanoTime());
    if (work > 0) {
      wait.busy();
    }
    if (System.nanoTime() - lastSendNanos > KEEPALIVE_NANOS && cluster.sendKeepAlive()) {
      lastSendNanos = System.nanoTime();
    }
    // Every time, not only after new egress: an I/O loop that was busy holds output back until
    // it wakes the ring (WAKE), and this hands that output over.
    out.endOfBatch();
    showHealth();
  }

  /** Tells operators ({@code /healthz}) whether this broker can serve now, and if not, why. */
  private void showHealth() {
    String why;
    if (cluster == null || cluster.isClosed()) {
      why = "no cluster session: this broker lost its session and is making a new one";
    } else if (unavailable) {
      why = "no cluster leader: none has answered for longer than --cluster-hold";
    } else if (!cluster.ingressPublication().isConnected()) {
      why = "no cluster leader reachable: waiting for one";
    } else {
      why = null;
    }
    if (!Objects.equals(why, unhealthy)) {
      System.err.println(
          "ringchat cluster: "
              + (why == null ? "serving: a leader orders this broker's requests" : why));
      unhealthy = why;
      clusterStatus.unhealthy(why);
    }
  }

  /**
   * A member that wins the election it began with at start (it was restarted, and the leader went
   * while it caught up) times out every session it did not hear from, and cannot tell the brokers:
   * their sessions' egress was never connected to it. Such a broker keeps sending to the old
   * leader's address, and would learn only when the old leader's egress image times out (10 s), or
   * never if a restarted member answers at that address. A broker that is itself a member knows
   * better: once its member has been in a term for a while that the session was never told of, the
   * session is taken for closed, and replaced.
   */
  private void checkTerm() {
    long memberTerm = clusterStatus.memberTerm();
    if (memberTerm <= cluster.leadershipTermId() || clusterStatus.electing()) {
      unannouncedSinceNanos = -1;
    } else if (unannouncedSinceNanos < 0) {
      unannouncedSinceNanos = System.nanoTime();
    } else if (System.nanoTime() - unannouncedSinceNanos - UNANNOUNCED_TERM_NANOS > 0) {
      unannouncedSinceNanos = -1;
      onSessionClosed(
          "this broker's member is in term "
              + memberTerm
              + " and the session was told of no leader after term "
              + cluster.leadershipTermId());
    }
  }

  /** Offers what this leader has not had yet, in order; stops at back pressure (tried again). */
  private void sendUnsent() {
    if (unsent >= unacked.size()) {
      return;
    }
    Iterator<Sent> it = unacked.iterator();
    for (int i = 0; i < unsent; i++) {
      it.next();
    }
    while (it.hasNext()) {
      Sent sent = it.next();
      if (cluster.offer(sent.bytes, 0, sent.bytes.capacity()) < 0) {
        return;
      }
      lastSendNanos = System.nanoTime();
      unsent++;
    }
  }

  @Override
  public void onEgress(DirectBuffer buffer, int offset, int length) {
    if (buffer.getByte(offset) == ClusterWire.SKIP) {
      skipTo(buffer.getLong(offset + 1, ByteOrder.LITTLE_ENDIAN));
      return;
    }
    if (buffer.getByte(offset) != ClusterWire.OUTPUT) {
      return;
    }
    long number = buffer.getLong(offset + 1, ByteOrder.LITTLE_ENDIAN);
    if (number <= lastEgress) {
      return; // sent again after a resync: applied already
    }
    if (number != lastEgress + 1) {
      // Some egress was lost (a leader died with it in flight): ask for it, drop this one, which
      // comes again after what is missing.
      requestResync();
      return;
    }
    lastEgress = number;
    resyncWanted = false;
    lastEgressNanos = System.nanoTime();
    unavailable = false;
    acknowledge(buffer.getLong(offset + 9, ByteOrder.LITTLE_ENDIAN));
    int bytes = buffer.getInt(offset + ClusterWire.OUTPUT_HEADER - 4, ByteOrder.LITTLE_ENDIAN);
    int at = offset + ClusterWire.OUTPUT_HEADER;
    ByteBuf lines = alloc.buffer(bytes);
    try {
      buffer.getBytes(at, lines.nioBuffer(0, bytes), bytes); // one copy, straight into the buffer
      lines.writerIndex(bytes);
      at += bytes;
      int count = buffer.getInt(at, ByteOrder.LITTLE_ENDIAN);
      at += 4;
      for (int i = 0; i < count; i++) {
        long connection = buffer.getLong(at, ByteOrder.LITTLE_ENDIAN);
        byte op = buffer.getByte(at + 8);
        int from = buffer.getInt(at + 9, ByteOrder.LITTLE_ENDIAN);
        int len = buffer.getInt(at + 13, ByteOrder.LITTLE_ENDIAN);
        at += ClusterWire.OUTPUT_ENTRY;
        switch (op) {
          case ClusterWire.WRITE -> out.write(connection, lines, from, len);
          case ClusterWire.WRITE_AND_CLOSE ->
              out.writeAndClose(connection, lines.retainedSlice(from, len));
          case ClusterWire.JOINED -> out.joined(connection);
          default -> {
            // a newer room's operation
          }
        }
      }
    } finally {
      lines.release();
    }
  }

  private void acknowledge(long ack) {
    while (!unacked.isEmpty() && unacked.peekFirst().seq <= ack) {
      unacked.pollFirst();
      if (unsent > 0) {
        unsent--;
      }
    }
  }

  /**
   * The room no longer has the egress after {@link #lastEgress} up to {@code next}: this broker's
   * members missed lines that cannot be sent again. Each is told and disconnected (to join again
   * and see the room as it is now), and egress is taken from {@code next} on.
   */
  private void skipTo(long next) {
    if (next <= lastEgress + 1) {
      return; // nothing missed after all
    }
    System.err.println(
        "ringchat cluster: egress " + (lastEgress + 1) + " to " + (next - 1) + " is lost");
    clusterStatus.skip();
    closeMembers("this broker missed messages it cannot get again; connect again");
    lastEgress = next - 1;
  }

  /**
   * Every member of this broker (every connection that asked to join) is told {@code why} and
   * disconnected, and so is every other connection with a request the room has not answered, which
   * will now never be answered.
   */
  private void closeMembers(String why) {
    LongHashSet closing = new LongHashSet();
    closing.addAll(joining);
    for (Sent sent : unacked) {
      forEachConnection(sent.bytes, closing::add);
    }
    closing.forEach(
        connection -> {
          counters.error(ErrorCode.UNAVAILABLE);
          out.writeAndClose(connection, ServerFrames.encodeErr(alloc, ErrorCode.UNAVAILABLE, why));
        });
    joining.clear();
    out.endOfBatch();
  }

  /** Calls {@code action} with the connection of each event in an ingress message. */
  private static void forEachConnection(UnsafeBuffer message, LongConsumer action) {
    int count = message.getInt(9, ByteOrder.LITTLE_ENDIAN);
    int at = ClusterWire.EVENTS_HEADER;
    for (int i = 0; i < count; i++) {
      if (message.getByte(at) != ClusterWire.DISCONNECTED) {
        action.accept(message.getLong(at + 1, ByteOrder.LITTLE_ENDIAN));
      }
      at += ClusterWire.EVENT_HEADER + Math.max(0, message.getInt(at + 9, ByteOrder.LITTLE_ENDIAN));
    }
  }

  /**
   * Answers a SEND that no leader ordered in time: it reached nobody, or, if a leader ordered it
   * just before it was lost, everybody ({@link #holdOrRefuse}).
   */
  private void refuse(long connection) {
    counters.error(ErrorCode.UNAVAILABLE);
    clusterStatus.refused();
    out.write(connection, ServerFrames.encodeErr(alloc, ErrorCode.UNAVAILABLE));
  }

  /**
   * No leader has answered for longer than --cluster-hold while messages wait: each held SEND is
   * refused (ERR unavailable), and the rest of what was held (joins, leaves, disconnects) waits on,
   * to be ordered once a leader is back.
   *
   * <p>One case this cannot tell apart: a leader that ordered a message and died before its
   * acknowledgement went out, with no new leader within the hold. That message was delivered, yet
   * its sender is told it was not. Telling it apart needs an answer from a leader, which is exactly
   * what is missing.
   */
  private void holdOrRefuse() {
    long now = System.nanoTime();
    if (unavailable
        || unacked.isEmpty()
        || now - unacked.peekFirst().madeNanos < holdNanos
        || now - lastEgressNanos < holdNanos) {
      return;
    }
    unavailable = true;
    for (Sent sent : unacked) {
      sent.bytes = withoutSends(sent.bytes);
    }
    unsent = 0;
  }

  /** {@code message} without its SEND events, each of which is refused. */
  private UnsafeBuffer withoutSends(UnsafeBuffer message) {
    int count = message.getInt(9, ByteOrder.LITTLE_ENDIAN);
    ExpandableArrayBuffer kept = new ExpandableArrayBuffer(message.capacity());
    kept.putBytes(0, message, 0, ClusterWire.EVENTS_HEADER);
    int keptLength = ClusterWire.EVENTS_HEADER;
    int keptCount = 0;
    int at = ClusterWire.EVENTS_HEADER;
    for (int i = 0; i < count; i++) {
      byte kind = message.getByte(at);
      int bytes = Math.max(0, message.getInt(at + 9, ByteOrder.LITTLE_ENDIAN));
      int size = ClusterWire.EVENT_HEADER + bytes;
      if (kind == ClusterWire.SEND) {
        refuse(message.getLong(at + 1, ByteOrder.LITTLE_ENDIAN));
      } else {
        kept.putBytes(keptLength, message, at, size);
        keptLength += size;
        keptCount++;
      }
      at += size;
    }
    kept.putInt(9, keptCount, ByteOrder.LITTLE_ENDIAN);
    byte[] bytes = new byte[keptLength];
    kept.getBytes(0, bytes);
    return new UnsafeBuffer(bytes);
  }

  /**
   * The cluster closed this broker's session (it was cut off longer than the session timeout): the
   * room has taken its members out. They are told and disconnected, to join again (the client moves
   * on to the next broker); meanwhile a new session is made, without waiting.
   */
  private void reconnect() {
    if (reconnecting == null) {
      if (cluster != null) {
        System.err.println("ringchat cluster: lost the session to the cluster; reconnecting");
        clusterStatus.sessionLost();
        closeMembers("this broker lost the cluster; connect again");
        CloseHelper.quietClose(cluster);
        cluster = null;
        unacked.clear();
        unsent = 0;
        seq = 0;
        lastEgress = 0;
        resyncWanted = false;
      }
      reconnecting = AeronCluster.asyncConnect(context.clone());
    }
    try {
      AeronCluster connected = reconnecting.poll();
      if (connected != null) {
        System.err.println(
            "ringchat cluster: new session "
                + connected.clusterSessionId()
                + " with member "
                + connected.leaderMemberId()
                + ", term "
                + connected.leadershipTermId()
                + (failedConnects == 0 ? "" : ", after " + failedConnects + " failed attempts"));
        failedConnects = 0;
        reconnecting = null;
        cluster = connected;
        egress = new StaleLeaderFilter(connected, this);
        closedByCluster = false;
        unannouncedSinceNanos = -1;
        lastEgressNanos = System.nanoTime();
        unavailable = false;
      }
    } catch (RuntimeException e) { // timed out: try again
      if (failedConnects++ == 0) { // the first of an outage; the new session's line counts them
        System.err.println(
            "ringchat cluster: no session yet (" + firstClause(e) + "); trying again");
      }
      CloseHelper.quietClose(reconnecting);
      reconnecting = null;
    }
  }

  /** Aeron's long messages (its whole context follows the reason) cut to the reason. */
  private static String firstClause(RuntimeException e) {
    String message = String.valueOf(e.getMessage());
    int end = message.indexOf(": state=");
    return end > 0 ? message.substring(0, end) : message.lines().findFirst().orElse(message);
  }

  /** A new leader was announced to this session (the client has switched its ingress to it). */
  private void newLeader(long leadershipTermId, int leaderMemberId) {
    System.err.println(
        "ringchat cluster: new leader: member " + leaderMemberId + ", term " + leadershipTermId);
    clusterStatus.leaderChanged(leadershipTermId);
    unsent = 0; // the new leader may not have what the old one took: send it all again, in order
    requestResync(); // and the old one may have died with egress for this broker in flight
  }

  private void requestResync() {
    resyncWanted = true;
    resyncSentNanos = System.nanoTime() - RESYNC_RETRY_NANOS;
  }

  /** Asks the room for the egress after {@link #lastEgress}, at most every so often. */
  private void sendResync() {
    if (!resyncWanted || System.nanoTime() - resyncSentNanos < RESYNC_RETRY_NANOS) {
      return;
    }
    resync.putByte(0, ClusterWire.RESYNC);
    resync.putLong(1, lastEgress, ByteOrder.LITTLE_ENDIAN);
    if (cluster.offer(resync, 0, ClusterWire.RESYNC_LENGTH) > 0) {
      resyncSentNanos = System.nanoTime();
      clusterStatus.resync();
    }
  }

  /**
   * Tells the room of a snapshot this process's member took (best effort: one lost with a leader
   * only puts the purge off until the member's next snapshot).
   */
  private void reportSnapshot() {
    if (retention == null || retention.snapshotTaken() <= snapshotReported) {
      return;
    }
    long position = retention.snapshotTaken();
    snapshotTaken.putByte(0, ClusterWire.SNAPSHOT_TAKEN);
    snapshotTaken.putInt(1, retention.memberId(), ByteOrder.LITTLE_ENDIAN);
    snapshotTaken.putLong(5, position, ByteOrder.LITTLE_ENDIAN);
    if (cluster.offer(snapshotTaken, 0, ClusterWire.SNAPSHOT_TAKEN_LENGTH) > 0) {
      snapshotReported = position;
    }
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

  private void shutdown() {
    // Closing the session tells the room: this broker's members leave, their names are free.
    if (cluster != null && !cluster.isClosed()) {
      poll();
      cluster.close();
    }
    shutDown = true;
    stopped.countDown();
  }

  @Override
  public boolean awaitStopped(long timeoutMillis) throws InterruptedException {
    return stopped.await(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    CloseHelper.closeAll(reconnecting, cluster, ownDriver);
  }
}
