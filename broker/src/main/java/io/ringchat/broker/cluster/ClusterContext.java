package io.ringchat.broker.cluster;

import io.aeron.Aeron;
import io.aeron.RethrowingErrorHandler;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.driver.Configuration;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.ringchat.broker.room.Room;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.YieldingIdleStrategy;

/**
 * Every timeout, size and clock of the clustered room, each named once with its unit, as Aeron's
 * {@code ConsensusModule.Context} does: {@link io.ringchat.broker.BrokerConfig} fills in what the
 * options say, {@link #conclude()} checks the whole before anything starts, and each part takes its
 * values from here instead of a constant of its own. Tests move the clock ({@link #nanoClock}).
 *
 * <p>Filled in and concluded on the thread that starts the broker, read-only after. It also holds
 * what the process's cluster threads share while they run: their {@link WakeGroup} and the member's
 * {@link ElectionWatch}.
 */
public final class ClusterContext {
  /** The name of a member's media driver thread ({@link #mediaDriver()}). */
  static final String DRIVER_THREAD = "ringchat-driver";

  /**
   * The largest datagram allowed ({@link #mtuLength}): Aeron's largest message is an eighth of its
   * term, and the smallest terms a member sends on (its consensus channel's, its archive's control)
   * are 64 KiB, the least {@link #conclude()} allows.
   */
  private static final int MAX_MTU_LENGTH = 64 * 1024 / 8;

  /** The smallest datagram allowed: room for Aeron's 32-byte header and a useful payload. */
  private static final int MIN_MTU_LENGTH = 1024;

  /**
   * The most runs of an invoked client's conductor per {@link #invokeConductor}: a driver's news
   * comes one message a run, and a burst of it (a member electing adds and removes tens of streams
   * and counters) is read in one go; the bound keeps a driver that never stops talking from holding
   * the caller's thread.
   */
  static final int MAX_CONDUCTOR_RUNS = 256;

  private NanoClock nanoClock = SystemNanoClock.INSTANCE;

  // The clock of round-trip traces, the same as the consensus module's (its log's timestamps are
  // epoch nanoseconds: NanosecondClusterClock), so that traced hops can be told apart.
  private EpochNanoClock epochClock = new SystemEpochNanoClock();

  // The broker's link.
  private long holdNs = TimeUnit.SECONDS.toNanos(5);
  private long connectTimeoutNs = TimeUnit.SECONDS.toNanos(60);
  private long keepaliveIntervalNs = TimeUnit.MILLISECONDS.toNanos(500);
  private long resyncRetryNs = TimeUnit.MILLISECONDS.toNanos(200);

  // A broker's copy of the history is filled from the room in parts of this size, one at a time,
  // so that filling it never floods the egress the room keeps for resends (8 MiB a broker).
  private int historyFillPartBytes = 64 * 1024;

  // One ingress message in flight at a time is traced through the room, at most one this often:
  // 100 a second at most, enough for a p99 of each hop over a few seconds of load, too few to cost.
  private long traceIntervalNs = TimeUnit.MILLISECONDS.toNanos(10);
  private long ingressResendNs = TimeUnit.SECONDS.toNanos(1);
  private long unannouncedTermNs = TimeUnit.SECONDS.toNanos(2);
  private long messageTimeoutNs = TimeUnit.SECONDS.toNanos(2);
  private long linkSpinNs = 5_000;
  // Terms: each publication and image maps three, a busy room touches all of them, and RSS counts a
  // file once per mapping (the driver and a client each map the same one). Log, ingress and egress
  // terms of 4, 4 and 8 MiB made 338 MiB of a leader's RSS after 16 s of 30 members all sending;
  // these make 50 MiB at the same throughput (docs/BENCHMARKS.md, "Where a member's memory goes").
  private int ingressTermLength = 512 * 1024;
  private int egressTermLength = 1024 * 1024;

  // The room service.
  private long keptEgressBytes = 8 * 1024 * 1024;
  private long egressRetryFirstMs = 10;
  private long egressRetryMaxMs = 1_000;

  // The member.
  private long sessionTimeoutNs = TimeUnit.SECONDS.toNanos(3);
  private long leaderHeartbeatTimeoutNs = TimeUnit.SECONDS.toNanos(1);
  // Aeron's default; 100 ms doubled the members' messages to each other when idle, each of which
  // wakes the consensus modules, for a timeout of 1 s either way.
  private long leaderHeartbeatIntervalNs = TimeUnit.MILLISECONDS.toNanos(200);
  // An election waits a random nomination delay of up to half of this, and a ballot that not every
  // member answers (one is dead) lasts all of it: a killed leader is replaced after the heartbeat
  // timeout plus up to 1.5 of these. With 300 ms a SIGKILL failover's p50 was 1,347 to 1,388 ms
  // (the must: 1.5 s), with 200 ms 1,203 and 1,214 in the same runs (docs/BENCHMARKS.md, "A
  // handover without waiting out sleeps"); 150 ms was faster again by less than the rounds' spread,
  // and leaves a busy machine less time for a vote.
  private long electionTimeoutNs = TimeUnit.MILLISECONDS.toNanos(200);
  private int logTermLength = 1024 * 1024;
  // What a SEND may carry (--max-line): one event of it must fit one ingress message.
  private int maxLineBytes = 4096;
  // Unsent bytes a member may have (--max-pending): what its broker holds for it behind a replay
  // that waits for the broker's copy of the history to fill, at most (ReplayCopy).
  private int maxPendingBytes = 4 * 1024 * 1024;
  // The members' consensus channel (votes, append and commit positions: messages of tens of bytes)
  // takes Aeron's network term default, 16 MiB, three terms mapped per publication and per image,
  // which a long-lived room's stream of positions goes through in time: up to 192 MiB of a member's
  // RSS for its four streams. Aeron's own archive control channels take 64 KiB.
  private int consensusTermLength = 64 * 1024;
  private long snapshotIntervalBytes = 64L * 1024 * 1024;
  private long watchIntervalMs = 50;
  private long purgeRetryMs = 5_000;
  private long handoverMs = 200;
  // How long every idle thread of the member sleeps when nothing wakes it (--cluster-idle-park):
  // the longest a timer of Aeron's (heartbeats, timeouts) or a socket the driver does not watch
  // waits. Work wakes the threads that act on it at once ({@link WakeGroup}). 100 ms, the most the
  // option allows (the members' 200-ms heartbeats then still come well within their 1-s timeout):
  // an idle member 1.6% of a core at the median 25 s after start against 2.1% at 50 ms, a quiet
  // room's p99 and the failovers the same (docs/BENCHMARKS.md, "A longer idle park").
  private long idleSleepNs = TimeUnit.MILLISECONDS.toNanos(100);
  // The longest sleep of every thread of the member in an election ({@link ElectionWatch}) or just
  // after a stream ended: an election's steps wait on timers, and with every thread sleeping up to
  // 50 ms a SIGTERM handover took 350 ms at the median against 247 to 272 at 1 ms
  // (docs/BENCHMARKS.md).
  private long electionSleepNs = TimeUnit.MILLISECONDS.toNanos(1);
  private final ElectionWatch election = new ElectionWatch();
  // After work, before sleeping, an agent spins and yields a little (Aeron's back-off spins 10
  // times and yields 20); the driver does not: each of its looks reads every socket it has, and a
  // packet or a client wakes it at once. Without the yields the cluster's max rate fell by a third,
  // though a busy room's p99 halved (docs/BENCHMARKS.md, "Handovers on a whole cluster": the
  // handovers they were once kept for did not need them).
  private int idleSpins = 10;
  private int idleYields = 5;
  private final WakeGroup wakes = new WakeGroup();
  // How long an image waits without news before it sends a status message anyway (200 ms, Aeron's
  // default), and how often the driver looks at its streams' timers (100 ms; Aeron's 1 s). A member
  // whose election step fails (its log came late, a leader left mid-step) starts its election
  // again, and first waits, sending nothing, until its old log subscription's socket is closed: the
  // driver closes it once the image drained, five status-message timeouts after, at its next timer
  // look. With 1-s status messages that was about 6 s; the room lost its majority when another
  // member fell meanwhile (a ClusterIT case's first fault, in CI). Now about 1 s, at no idle cost
  // (the driver wakes every idle park anyway; docs/BENCHMARKS.md, "A member that starts its
  // election again").
  private long statusMessageTimeoutNs = TimeUnit.MILLISECONDS.toNanos(200);
  private long driverTimerIntervalNs = TimeUnit.MILLISECONDS.toNanos(100);
  // The largest datagram of every UDP stream the driver sends (--cluster-mtu): Aeron's default,
  // which a network's 1,500-byte frames carry whole. A busy room's log, egress and ingress then go
  // as many datagrams, each a system call on each side; with 8 KiB (members on one host, or a
  // network with jumbo frames) the cluster ordered a fifth more messages a second at window 256
  // and its round trip halved on this machine (docs/BENCHMARKS.md, "Larger datagrams"). Larger
  // than the network's MTU, each datagram goes as IP fragments, all lost if one is.
  private int mtuLength = 1408;

  // Each media driver's CnC file: Aeron's defaults (8 MiB of counter values, 32 MiB of their
  // metadata, a 4 MiB error log, its least) are resident in full, 46 MiB of an idle member's
  // 172 MiB RSS. A member uses a few hundred counters; 1 MiB (Aeron's least) holds 8,192.
  private int countersValuesBufferLength = 1024 * 1024;

  private boolean concluded;

  /**
   * Checks every value and the ones that depend on each other; throws {@link
   * IllegalArgumentException} with one line naming the first that is wrong. Returns this.
   */
  public ClusterContext conclude() {
    positive("hold", holdNs);
    positive("connect timeout", connectTimeoutNs);
    positive("keepalive interval", keepaliveIntervalNs);
    positive("resync retry", resyncRetryNs);
    positive("ingress resend", ingressResendNs);
    // A message lost on the way is offered again well before the hold would refuse it.
    check(ingressResendNs < holdNs, "the cluster ingress resend must be shorter than the hold");
    positive("unannounced-term timeout", unannouncedTermNs);
    positive("message timeout", messageTimeoutNs);
    check(linkSpinNs >= 0, "cluster link spin must not be negative");
    termLength("ingress term length", ingressTermLength);
    termLength("egress term length", egressTermLength);
    termLength("log term length", logTermLength);
    termLength("consensus term length", consensusTermLength);
    check(
        maxLineBytes <= maxIngressMessageBytes() - INGRESS_EVENT_OVERHEAD,
        "--max-line "
            + maxLineBytes
            + " is longer than a clustered room can carry (at most "
            + (maxIngressMessageBytes() - INGRESS_EVENT_OVERHEAD)
            + " bytes with its terms)");
    positive("kept egress bytes", keptEgressBytes);
    positive("max pending bytes", maxPendingBytes);
    positive("egress retry", egressRetryFirstMs);
    check(egressRetryMaxMs >= egressRetryFirstMs, "egress retry max is below its first wait");
    // The room's frames (a broadcast segment, a WHO listing) are at most a segment long, and the
    // encoder sends a frame too big to share a message in one of its own.
    int frameMessage = OutputFlyweight.length(Room.MAX_SEGMENT_BYTES + maxLineBytes, 1);
    check(
        maxOutputBytes() >= frameMessage,
        "the cluster egress term must hold a room segment and a line in one message ("
            + frameMessage
            + " bytes, at most "
            + maxOutputBytes()
            + ")");
    positive("session timeout", sessionTimeoutNs);
    positive("leader heartbeat interval", leaderHeartbeatIntervalNs);
    check(
        leaderHeartbeatTimeoutNs > leaderHeartbeatIntervalNs,
        "the leader heartbeat timeout must be longer than its interval");
    positive("election timeout", electionTimeoutNs);
    check(snapshotIntervalBytes >= 1024, "--cluster-snapshot-bytes must be at least 1024");
    positive("watch interval", watchIntervalMs);
    positive("purge retry", purgeRetryMs);
    check(handoverMs >= 0, "handover must not be negative");
    positive("idle sleep", idleSleepNs);
    positive("election sleep", electionSleepNs);
    positive("status message timeout", statusMessageTimeoutNs);
    checkMtuLength(mtuLength);
    check(idleSpins >= 0 && idleYields >= 0, "cluster idle spins and yields must not be negative");
    // Aeron's own bounds: at least 1 MiB of counter values, and a power of two.
    check(
        countersValuesBufferLength >= 1024 * 1024
            && Integer.bitCount(countersValuesBufferLength) == 1,
        "cluster counters buffer must be a power of two of at least 1 MiB");
    concluded = true;
    return this;
  }

  /**
   * Refuses a datagram size Aeron would refuse or that one of the member's streams cannot carry, in
   * one line naming {@code --cluster-mtu}.
   */
  public static void checkMtuLength(int bytes) {
    check(
        bytes >= MIN_MTU_LENGTH && bytes <= MAX_MTU_LENGTH && bytes % 32 == 0,
        "--cluster-mtu must be a multiple of 32 from "
            + MIN_MTU_LENGTH
            + " to "
            + MAX_MTU_LENGTH
            + ", got "
            + bytes);
  }

  private static void positive(String what, long value) {
    check(value > 0, "cluster " + what + " must be positive, got " + value);
  }

  private static void termLength(String what, int length) {
    check(
        length >= 64 * 1024 && length <= 1 << 30 && Integer.bitCount(length) == 1,
        "cluster " + what + " must be a power of two from 64 KiB to 1 GiB, got " + length);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * Aeron's session header before each ingress message, which the log carries too, with room to
   * spare: an ingress message is at most an eighth of the smaller of the two terms, less this.
   */
  private static final int INGRESS_FRAMING = 64;

  /** An events message's header and one event's, around a line (see {@link EventsFlyweight}). */
  private static final int INGRESS_EVENT_OVERHEAD =
      EventsFlyweight.HEADER_LENGTH + EventsFlyweight.EVENT_HEADER_LENGTH;

  /** The largest message a broker offers to the room: its ring batches are cut to fit. */
  int maxIngressMessageBytes() {
    return Math.min(ingressTermLength, logTermLength) / 8 - INGRESS_FRAMING;
  }

  /** Whether {@link #conclude()} passed. */
  boolean concluded() {
    return concluded;
  }

  /** The parts refuse a context that was not checked: they call this before they start. */
  void checkConcluded() {
    if (!concluded) {
      throw new IllegalStateException("the cluster context was not concluded");
    }
  }

  /**
   * A media driver's context with this cluster's sizes and idle strategy (member or front-end): one
   * thread, which sleeps on its sockets ({@link DriverIdleStrategy}, {@link WakingEndpoints}) in
   * this process's {@link WakeGroup}. {@link #closeDriverIdle} closes its selector after the
   * driver.
   */
  MediaDriver.Context mediaDriver() {
    return mediaDriver(() -> {});
  }

  /**
   * {@link #mediaDriver()} for a member's process, whose consensus module's canvass positions its
   * {@link CanvassPositionGuard} keeps within the commit position.
   *
   * @param onCanvassLowered told (on the driver's thread) of each canvass position lowered
   */
  MediaDriver.Context mediaDriver(Runnable onCanvassLowered) {
    // Aeron takes the counters' size only from its system property, read as the context is made;
    // one the operator set (-Daeron.counters.buffer.length) wins.
    if (System.getProperty(Configuration.COUNTERS_VALUES_BUFFER_LENGTH_PROP_NAME) == null) {
      System.setProperty(
          Configuration.COUNTERS_VALUES_BUFFER_LENGTH_PROP_NAME,
          String.valueOf(countersValuesBufferLength));
    }
    DriverIdleStrategy idle =
        new DriverIdleStrategy(
            wakes, 0, 0, idleSleepNs, this::urgent, urgentSleepNs(), ClusterContext::readersOf);
    return new MediaDriver.Context()
        .threadingMode(ThreadingMode.SHARED)
        .statusMessageTimeoutNs(statusMessageTimeoutNs)
        .timerIntervalNs(driverTimerIntervalNs)
        .mtuLength(mtuLength)
        .sharedIdleStrategy(idle)
        .sharedThreadFactory(ClusterContext::driverThread)
        .receiveChannelEndpointSupplier(
            WakingEndpoints.receiving(idle, new CanvassPositionGuard(onCanvassLowered)))
        .sendChannelEndpointSupplier(WakingEndpoints.sending(idle))
        // Names are resolved on the driver's thread, as Aeron did before 1.44: its resolver's
        // own thread looked for work 100 times a second (0.2% of an idle member's core) for what
        // happens only when a stream is added. A hostname in --cluster-members whose lookup is
        // slow holds up this member's traffic while it is looked up.
        .asyncExecutorEnabled(false)
        .termBufferSparseFile(true);
  }

  /**
   * The media driver's one thread, named {@value #DRIVER_THREAD}: Aeron names it after the driver's
   * directory (a path under /tmp, cut to 15 characters in thread tables), and a name is set on the
   * operating system's thread only by the thread itself, so it renames itself as it starts.
   */
  private static Thread driverThread(Runnable driver) {
    return new Thread(
        () -> {
          Thread.currentThread().setName(DRIVER_THREAD);
          driver.run();
        });
  }

  /** Closes what {@link #mediaDriver()} opened for the driver's idle strategy, once it stopped. */
  static void closeDriverIdle(MediaDriver.Context driver) {
    if (driver.sharedIdleStrategy() instanceof DriverIdleStrategy idle) {
      idle.close();
    }
  }

  /**
   * An Aeron client of the driver in {@code aeronDir} with no thread of its own: its conductor (the
   * keepalive to the driver, news of streams) runs when its user calls {@code
   * conductorAgentInvoker().invoke()}, as Aeron's own archive and consensus module run theirs. A
   * conductor thread per client (the room's, the link's, the purger's) woke 20 times a second when
   * idle for nothing a thread the member already has could not do. The user must invoke it well
   * within Aeron's client liveness timeout (10 s): each does at every wake, at most the idle sleep
   * apart. Errors are one line each, named by {@code name}.
   */
  static Aeron invokedClient(String aeronDir, String name) {
    return Aeron.connect(
        new Aeron.Context()
            .aeronDirectoryName(aeronDir)
            .clientName(name)
            .useConductorAgentInvoker(true)
            // While it waits for the driver to answer (adding a stream), it invokes itself.
            .awaitingIdleStrategy(YieldingIdleStrategy.INSTANCE)
            // Aeron's cluster and archive clients require an error in a handler to be rethrown.
            .subscriberErrorHandler(RethrowingErrorHandler.INSTANCE)
            .errorHandler(e -> System.err.println("ringchat cluster: " + name + ": " + e)));
  }

  /**
   * Runs an {@link #invokedClient}'s conductor until it has nothing left to do (at most {@value
   * #MAX_CONDUCTOR_RUNS} times): each run reads one message of the news its driver broadcasts to
   * all of its clients (every stream, image and counter that any thread of the member adds or
   * removes), so a thread that ran it once per wake-up took a backlog in one message per wake.
   * After a handover the new leader's egress reached the brokers' links 0.3 to 1.6 s after its
   * election (their clients learnt late of the image it came on), and the new leader's own broker
   * gave up its session as never told of the new term (docs/BENCHMARKS.md, "A broker serving again
   * after a handover"). Returns the work done.
   */
  static int invokeConductor(Aeron client) {
    AgentInvoker invoker = client.conductorAgentInvoker();
    int work = 0;
    for (int runs = 0; runs < MAX_CONDUCTOR_RUNS; runs++) {
      int done = invoker.invoke();
      if (done == 0) {
        break;
      }
      work += done;
    }
    return work;
  }

  /**
   * Hands {@code user} a new {@link #invokedClient} to own (it closes the client when it closes),
   * and closes the client if {@code user} fails.
   */
  static <T> T withOwnedClient(String aeronDir, String name, Function<Aeron, T> user) {
    Aeron client = invokedClient(aeronDir, name);
    try {
      return user.apply(client);
    } catch (RuntimeException e) {
      CloseHelper.quietClose(client);
      throw e;
    }
  }

  /**
   * The idle strategy of the member's archive ({@link WakeGroup#ARCHIVE}), room ({@link
   * WakeGroup#ROOM}) or consensus module ({@link WakeGroup#CONSENSUS}): a few spins and yields
   * after work, then a sleep that the {@link WakeGroup} ends when another thread did work, or what
   * it reads arrived, and that is short while {@link #urgent}: an election's steps wait on the
   * archive (the new term's recording) and the room (its answer to the new log) as well as on the
   * consensus module's timers. With the archive and the room asleep up to 100 ms through an
   * election, a SIGTERM handover's p50 was 298 to 322 ms against 228 and 248 (docs/BENCHMARKS.md).
   */
  IdleStrategy agentIdleStrategy(int role) {
    return new AgentIdleStrategy(
        wakes, role, idleSpins, idleYields, idleSleepNs, this::urgent, urgentSleepNs());
  }

  /**
   * The idle strategy of the member's {@link ClusterWatcher}: a look every {@link
   * #watchIntervalMs}, and every election sleep while {@link #urgent}.
   */
  IdleStrategy watcherIdleStrategy() {
    return new WatcherIdleStrategy(
        TimeUnit.MILLISECONDS.toNanos(watchIntervalMs), this::urgent, urgentSleepNs());
  }

  /** How long the member's threads sleep while {@link #urgent}: never longer. */
  long urgentSleepNs() {
    return Math.min(idleSleepNs, electionSleepNs);
  }

  /**
   * Which threads of a member read a stream that arrives over the network: the log goes to the
   * consensus module, the archive (which records it) and the room; the members' consensus messages
   * and the brokers' ingress to the consensus module; egress to the link. Another stream (an
   * archive's replication, a stream id an operator changed) wakes them all.
   */
  static int readersOf(int streamId) {
    if (streamId == LOG_STREAM) {
      return WakeGroup.CONSENSUS | WakeGroup.ARCHIVE | WakeGroup.ROOM;
    }
    if (streamId == CONSENSUS_STREAM || streamId == INGRESS_STREAM) {
      return WakeGroup.CONSENSUS;
    }
    if (streamId == EGRESS_STREAM) {
      return WakeGroup.LINK;
    }
    return WakeGroup.ALL;
  }

  private static final int LOG_STREAM = ConsensusModule.Configuration.logStreamId();
  private static final int CONSENSUS_STREAM = ConsensusModule.Configuration.consensusStreamId();
  private static final int INGRESS_STREAM = AeronCluster.Configuration.ingressStreamId();
  private static final int EGRESS_STREAM = AeronCluster.Configuration.egressStreamId();

  /**
   * Whether the member's timers matter now: it is electing, or a stream ended a moment ago ({@link
   * WakeGroup#urgentFor}). The member's threads then sleep briefly.
   */
  private boolean urgent() {
    return election.getAsBoolean() || wakes.urgent();
  }

  /** Whether this process's member is electing: its consensus module's sleep then is short. */
  ElectionWatch election() {
    return election;
  }

  /** This process's cluster threads, which wake each other. */
  WakeGroup wakes() {
    return wakes;
  }

  /**
   * The archive's segment file length, the log's unit of purging: a quarter of the snapshot
   * interval (a power of two and a multiple of the log's term, as the archive requires), so that
   * the log kept is at most two snapshot intervals and a quarter.
   */
  int archiveSegmentBytes() {
    long quarter = Long.highestOneBit(Math.max(1, snapshotIntervalBytes / 4));
    return (int) Math.min(1L << 30, Math.max(logTermLength, quarter));
  }

  // Accessors, each a fluent setter beside its getter.

  NanoClock nanoClock() {
    return nanoClock;
  }

  public ClusterContext nanoClock(NanoClock clock) {
    this.nanoClock = clock;
    return this;
  }

  /** With no leader reachable, how long SENDs are held before being refused (--cluster-hold). */
  long holdNs() {
    return holdNs;
  }

  public ClusterContext holdNs(long ns) {
    this.holdNs = ns;
    return this;
  }

  /**
   * How long a broker waits at start for a cluster leader to talk to (--cluster-connect-timeout).
   */
  long connectTimeoutNs() {
    return connectTimeoutNs;
  }

  public ClusterContext connectTimeoutNs(long ns) {
    this.connectTimeoutNs = ns;
    return this;
  }

  /** How long a session may be silent before the link sends a keepalive. */
  long keepaliveIntervalNs() {
    return keepaliveIntervalNs;
  }

  /** How often a resync is sent again while no egress answers it. */
  long resyncRetryNs() {
    return resyncRetryNs;
  }

  /**
   * How long an ingress message offered to a leader may go unacknowledged before it is offered
   * again, with everything after it. Far above a round trip under load (a repeat costs the room a
   * duplicate it only acknowledges), far below the hold (a lost message is sent again before its
   * SEND would be refused).
   */
  long ingressResendNs() {
    return ingressResendNs;
  }

  public ClusterContext ingressResendNs(long ns) {
    this.ingressResendNs = ns;
    return this;
  }

  /**
   * How long this broker's own member may be in a newer term than the last leader announced to the
   * session before the session counts as closed. Aeron's client waits as long for a new leader.
   */
  long unannouncedTermNs() {
    return unannouncedTermNs;
  }

  /**
   * How long a connect attempt waits for its answer: one sent while leadership changes goes
   * unanswered, and the next attempt, to the new leader, should not wait long.
   */
  long messageTimeoutNs() {
    return messageTimeoutNs;
  }

  /** How long the link spins on an empty ring before it parks. */
  long linkSpinNs() {
    return linkSpinNs;
  }

  /** The longest sleep of an idle thread of the cluster in this process (and the link's park). */
  long idleSleepNs() {
    return idleSleepNs;
  }

  /** The term of a broker's ingress publication: room for a burst of requests. */
  int ingressTermLength() {
    return ingressTermLength;
  }

  /** The term of a broker's egress: a broadcast to many members is much egress at once. */
  int egressTermLength() {
    return egressTermLength;
  }

  /** Egress kept per broker for resends; a broker further behind gets a SKIP. */
  long keptEgressBytes() {
    return keptEgressBytes;
  }

  /** The least time between two traced round trips ({@link RoundTripTracer}; 0: none). */
  long traceIntervalNs() {
    return traceIntervalNs;
  }

  public ClusterContext traceIntervalNs(long ns) {
    this.traceIntervalNs = ns;
    return this;
  }

  /** The clock of round-trip traces: epoch nanoseconds, as the log's timestamps. */
  EpochNanoClock epochClock() {
    return epochClock;
  }

  public ClusterContext epochClock(EpochNanoClock clock) {
    this.epochClock = clock;
    return this;
  }

  /** The bytes of kept lines in one part of a broker's history fill ({@link ClusterWire#FILL}). */
  int historyFillPartBytes() {
    return historyFillPartBytes;
  }

  /**
   * An egress message is cut before it passes this many bytes: Aeron's largest message (an eighth
   * of the egress term) less the session header the clustered service puts before it. With the
   * header left out, a broker's first message of a large batch (a thousand members joining at once)
   * could be a few bytes over Aeron's largest: every offer of it threw, and that broker's egress
   * stopped for good (docs/CLUSTER.md).
   */
  int maxOutputBytes() {
    return egressTermLength / 8 - AeronCluster.SESSION_HEADER_LENGTH;
  }

  /** The leader's first wait before offering egress again to a broker that is behind. */
  long egressRetryFirstMs() {
    return egressRetryFirstMs;
  }

  /** The longest such wait (it doubles while the broker stays behind). */
  long egressRetryMaxMs() {
    return egressRetryMaxMs;
  }

  /** A broker that stopped or vanished: its members leave within about this. */
  long sessionTimeoutNs() {
    return sessionTimeoutNs;
  }

  /** A leader that vanished: the others elect a new one after about this and the election. */
  long leaderHeartbeatTimeoutNs() {
    return leaderHeartbeatTimeoutNs;
  }

  long leaderHeartbeatIntervalNs() {
    return leaderHeartbeatIntervalNs;
  }

  long electionTimeoutNs() {
    return electionTimeoutNs;
  }

  /** The log's term length: each publication of the log has three terms of this size. */
  int logTermLength() {
    return logTermLength;
  }

  /** The term of the members' consensus channel: three terms per peer each way. */
  int consensusTermLength() {
    return consensusTermLength;
  }

  /** The longest line a member may send (--max-line): it must fit one ingress message. */
  public ClusterContext maxLineBytes(int bytes) {
    this.maxLineBytes = bytes;
    return this;
  }

  /** Unsent bytes a member may have (--max-pending). */
  public ClusterContext maxPendingBytes(int bytes) {
    this.maxPendingBytes = bytes;
    return this;
  }

  int maxPendingBytes() {
    return maxPendingBytes;
  }

  /** While a member leads, a snapshot each time the log grew by this (--cluster-snapshot-bytes). */
  long snapshotIntervalBytes() {
    return snapshotIntervalBytes;
  }

  public ClusterContext snapshotIntervalBytes(long bytes) {
    this.snapshotIntervalBytes = bytes;
    return this;
  }

  /**
   * How often the node's watcher looks at the role outside elections; a role change is printed
   * within this ({@link #watcherIdleStrategy}).
   */
  long watchIntervalMs() {
    return watchIntervalMs;
  }

  ClusterContext watchIntervalMs(long ms) {
    this.watchIntervalMs = ms;
    return this;
  }

  /** How long a purge the archive put off waits before it is tried again. */
  long purgeRetryMs() {
    return purgeRetryMs;
  }

  /**
   * How long a stopping leader keeps its media driver after its consensus module has closed, so
   * that the end of its log reaches the followers (they then elect a new leader at once).
   */
  long handoverMs() {
    return handoverMs;
  }

  /** The largest datagram the member's driver sends ({@code --cluster-mtu}). */
  public ClusterContext mtuLength(int bytes) {
    this.mtuLength = bytes;
    return this;
  }

  int mtuLength() {
    return mtuLength;
  }

  /**
   * The longest sleep of every idle thread of the cluster in this process (the member's agents and
   * the broker's link, --cluster-idle-park) when nothing wakes it: work wakes the threads that act
   * on it at once ({@link WakeGroup}), so this bounds only how late a timer fires.
   */
  public ClusterContext idleParkNs(long ns) {
    this.idleSleepNs = ns;
    return this;
  }
}
