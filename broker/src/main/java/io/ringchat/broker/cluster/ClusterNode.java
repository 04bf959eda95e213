package io.ringchat.broker.cluster;

import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.NanosecondClusterClock;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.ringchat.broker.stats.ClusterStatus;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.NoOpLock;

/**
 * One member of the cluster in this process: Aeron's media driver, archive and consensus module
 * (one {@link ClusteredMediaDriver}) and the clustered room ({@link RoomService}), with the
 * member's files under {@code --cluster-dir}, and its {@link ClusterWatcher}, which this node
 * starts once the member is up and stops first when it closes.
 *
 * <p>Every Aeron agent sleeps when it has nothing to do until another thread of the member has work
 * for it, or a packet arrives ({@link WakeGroup}): on a small machine three members would otherwise
 * starve each other, and an idle cluster would burn the CPU.
 *
 * <p>Started and closed by the thread that starts and stops the broker.
 */
public final class ClusterNode implements AutoCloseable {
  private final ClusterContext ctx;
  private final ClusterDirectory directory;
  private final ClusteredMediaDriver driver;
  private final ClusteredServiceContainer container;
  private final ClusterWatcher watcher;
  private final AgentRunner watcherRunner;
  private final String aeronDir;

  /** How long a stopping member's threads sleep briefly ({@link WakeGroup#stopping}). */
  private static final long STOPPING_NS = TimeUnit.SECONDS.toNanos(5);

  /** How often a stopping leader wakes its driver during the handover. */
  private static final long HANDOVER_WAKE_NS = TimeUnit.MILLISECONDS.toNanos(1);

  /**
   * The most a stopping leader waits for its room to apply its own broker's session close. It still
   * leads meanwhile (the other brokers are served), so a longer wait costs only stop time; closed
   * without it, the next leader inherits the session and keeps its members in the room until it
   * times out. The handover time (200 ms) was once the bound; in a CI run (its machine busy with
   * other tests) the new leader still timed that session out, and once more with 1 s beside three
   * busy loops on two cores: whether the close comes later than that or not at all is not known.
   */
  private static final long SESSION_CLOSE_WAIT_MS = 1_000;

  private ClusterNode(
      ClusterContext ctx,
      ClusterDirectory directory,
      ClusteredMediaDriver driver,
      ClusteredServiceContainer container,
      ClusterWatcher watcher,
      String aeronDir) {
    this.ctx = ctx;
    this.directory = directory;
    this.driver = driver;
    this.container = container;
    this.watcher = watcher;
    this.aeronDir = aeronDir;
    this.watcherRunner =
        new AgentRunner(
            ctx.watcherIdleStrategy(),
            e -> System.err.println("ringchat cluster: the watcher failed: " + e),
            null,
            watcher);
  }

  /**
   * Starts member {@code id} of {@code members}, its files in {@code dir}, and its watcher.
   *
   * @param retention where the room service says below which position the log may go
   */
  public static ClusterNode start(
      ClusterContext ctx,
      ClusterMembers members,
      int id,
      Path dir,
      RoomService service,
      LogRetention retention,
      ClusterStatus status,
      PrintStream out) {
    ctx.checkConcluded();
    Path base = dir.toAbsolutePath();
    String aeronDir = base.resolve("driver").toString();
    String host = members.host(id);
    MediaDriver.Context driver =
        ctx.mediaDriver()
            .aeronDirectoryName(aeronDir)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true);
    Archive.Context archive =
        new Archive.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(base.resolve("archive").toFile())
            .controlChannel("aeron:udp?endpoint=" + members.endpoint(id, ClusterMembers.ARCHIVE))
            .localControlChannel("aeron:ipc?term-length=64k")
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            // The log is purged a whole segment file at a time: small ones keep little extra.
            .segmentFileLength(ctx.archiveSegmentBytes())
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(() -> ctx.agentIdleStrategy(WakeGroup.ARCHIVE))
            .archiveId(id);
    AeronArchive.Context archiveClient =
        new AeronArchive.Context()
            .lock(NoOpLock.INSTANCE)
            .controlRequestChannel(archive.localControlChannel())
            .controlRequestStreamId(archive.localControlStreamId())
            .controlResponseChannel(archive.localControlChannel())
            .aeronDirectoryName(aeronDir);
    ConsensusModule.Context consensus =
        new ConsensusModule.Context()
            // Epoch nanoseconds in the log (not Aeron's default ms): a traced message's hop to the
            // leader and its commit are told apart by its log timestamp (RoundTripTracer).
            .clusterClock(new NanosecondClusterClock())
            .clusterMemberId(id)
            .clusterMembers(members.aeronMembers())
            .clusterDir(base.resolve("cluster").toFile())
            .archiveContext(archiveClient.clone())
            .aeronDirectoryName(aeronDir)
            .serviceCount(1)
            .ingressChannel("aeron:udp")
            .logChannel("aeron:udp?term-length=" + ctx.logTermLength())
            .consensusChannel("aeron:udp?term-length=" + ctx.consensusTermLength())
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .idleStrategySupplier(() -> ctx.agentIdleStrategy(WakeGroup.CONSENSUS))
            .sessionTimeoutNs(ctx.sessionTimeoutNs())
            .leaderHeartbeatTimeoutNs(ctx.leaderHeartbeatTimeoutNs())
            .leaderHeartbeatIntervalNs(ctx.leaderHeartbeatIntervalNs())
            .electionTimeoutNs(ctx.electionTimeoutNs());
    ClusteredServiceContainer.Context serviceContext =
        new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDir)
            .archiveContext(archiveClient.clone())
            .clusterDir(base.resolve("cluster").toFile())
            .clusteredService(service)
            .serviceId(0)
            .idleStrategySupplier(() -> ctx.agentIdleStrategy(WakeGroup.ROOM));
    ClusterDirectory directory = ClusterDirectory.open(base);
    ClusteredMediaDriver launched;
    ClusteredServiceContainer container;
    try {
      launched =
          launching(
              () -> ClusteredMediaDriver.launch(driver.clone(), archive.clone(), consensus.clone()),
              dir);
      try {
        container = launching(() -> launchRoom(serviceContext, aeronDir), dir);
      } catch (RuntimeException e) {
        launched.close();
        throw e;
      }
    } catch (RuntimeException e) {
      directory.close();
      throw e;
    }
    ctx.election().watch(launched.consensusModule().context().electionStateCounter());
    LogPurger purger =
        new LogPurger(
            archiveClient.clone(), base.resolve("cluster").toFile(), consensus.logStreamId(), out);
    ClusterWatcher watcher =
        new ClusterWatcher(
            launched.consensusModule().context(), ctx, retention, purger, status, out);
    ClusterNode node = new ClusterNode(ctx, directory, launched, container, watcher, aeronDir);
    AgentRunner.startOnThread(node.watcherRunner);
    return node;
  }

  /** The room's container, with a client of the driver that the room's own thread runs. */
  private static ClusteredServiceContainer launchRoom(
      ClusteredServiceContainer.Context context, String aeronDir) {
    return ClusterContext.withOwnedClient(
        aeronDir,
        "room",
        client ->
            ClusteredServiceContainer.launch(context.clone().aeron(client).ownsAeronClient(true)));
  }

  /**
   * Launches a part of the member. The directory's mark files were released when it was opened
   * ({@link ClusterDirectory}), so one that Aeron still finds in use belongs to a process that does
   * not take ringchat's lock: say so in one line.
   */
  private static <T> T launching(Supplier<T> launch, Path dir) {
    try {
      return launch.get();
    } catch (IllegalStateException e) {
      String message = String.valueOf(e.getMessage());
      if (!message.contains("active mark file")) {
        throw e;
      }
      throw new IllegalStateException(
          message
              + " (another process, not a ringchat broker, is using --cluster-dir "
              + dir
              + "): stop it, or give this member its own directory",
          e);
    }
  }

  /** The media driver's directory: the broker's own cluster client shares this driver. */
  public String aeronDir() {
    return aeronDir;
  }

  /** {@code listener} runs (on the watcher's thread) after each change of role or term. */
  public void onRoleChange(Runnable listener) {
    watcher.onRoleChange(listener);
  }

  /**
   * Stops the member, its watcher first (it may be purging: it finishes with the archive). The
   * consensus module closes next: its log publication then ends with an end-of-stream, which the
   * followers take as "the leader left" and elect a new leader at once (Aeron's graceful leader
   * close, in place of a leadership transfer it does not have). A leader keeps its driver a moment
   * longer so that the end-of-stream is sent ({@link #handOver}).
   */
  @Override
  public void close() {
    close(() -> true);
  }

  /**
   * As {@link #close()}, except that a leader first waits, at most a second, until {@code
   * ownSessionClosed}: its broker closed its cluster session a moment ago (its members leave the
   * room), a log entry that this leader must still take in and commit. Closed before that, the next
   * leader inherits the session: it keeps the broker's members in the room (their names taken)
   * until the session times out, seconds after its election, and sends to a broker that is gone.
   */
  public void close(BooleanSupplier ownSessionClosed) {
    // Each part's close waits until its thread sees that it must stop: a thread asleep for the idle
    // sleep (100 ms) saw it that late, and a leader's consensus module closes (and so ends its log,
    // the followers' sign to elect) only then. Every thread sleeps briefly from here on.
    ctx.wakes().stopping(STOPPING_NS);
    Thread watcherThread = watcherRunner.thread();
    if (watcherThread != null) {
      LockSupport.unpark(watcherThread);
    }
    CloseHelper.close(watcherRunner);
    ConsensusModule consensusModule = driver.consensusModule();
    boolean leading =
        Cluster.Role.get(consensusModule.context().clusterNodeRoleCounter()) == Cluster.Role.LEADER;
    if (leading) {
      handOver(ownSessionClosed, SESSION_CLOSE_WAIT_MS);
    }
    CloseHelper.close(consensusModule);
    if (leading) {
      handOver(() -> false, ctx.handoverMs());
    }
    CloseHelper.closeAll(container, driver, directory);
    ClusterContext.closeDriverIdle(driver.mediaDriver().context());
  }

  /**
   * Until {@code done}, at most {@code mostMs}, waking the driver every millisecond: a stopping
   * leader waits so for its own broker's session close to be applied, and then keeps its driver so
   * for the handover itself (done: never), since the closed log publication's end-of-stream goes
   * out on the driver's timers, which a sleeping driver would run up to its idle sleep late, and
   * the followers elect a new leader only once it arrives.
   */
  private void handOver(BooleanSupplier done, long mostMs) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(mostMs);
    while (!done.getAsBoolean()
        && System.nanoTime() - end < 0
        && !Thread.currentThread().isInterrupted()) {
      ctx.wakes().toDriver();
      LockSupport.parkNanos(HANDOVER_WAKE_NS);
    }
  }
}
