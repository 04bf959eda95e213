package io.ringchat.broker.cluster;

import io.aeron.Aeron;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.NanosecondClusterClock;
import io.aeron.cluster.service.ClusterCounters;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.status.SystemCounterDescriptor;
import io.ringchat.broker.stats.ClusterStatus;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

/**
 * One member of the cluster in this process: Aeron's media driver and archive, and a {@link
 * MemberRun} of its consensus module, the clustered room ({@link RoomService}) and their {@link
 * ClusterWatcher}, with the member's files under {@code --cluster-dir}. A member that cannot replay
 * its own log is restarted in place: a new run from its files, beside the same driver and archive
 * ({@link #restartInPlace}).
 *
 * <p>Every Aeron agent sleeps when it has nothing to do until another thread of the member has work
 * for it, or a packet arrives ({@link WakeGroup}): on a small machine three members would otherwise
 * starve each other, and an idle cluster would burn the CPU.
 *
 * <p>Started and closed by the thread that starts and stops the broker; restarted by a thread of
 * its own.
 */
public final class ClusterNode implements AutoCloseable {
  private final ClusterContext ctx;
  private final ClusterDirectory directory;
  private final MediaDriver mediaDriver;
  private final Archive archive;
  private final String aeronDir;
  private final Path dir;
  private final MemberRun.Parts parts;
  private final LogRetention retention;
  private final ClusterStatus status;
  private final PrintStream out;

  /**
   * How the line that says a member restarts in place begins (the fault-schedule report finds it).
   */
  public static final String RESTARTING_IN_PLACE =
      "ringchat cluster: this member cannot replay its own log";

  /**
   * How the line that says this member, leading, lowered a member's canvass position begins ({@link
   * CanvassPositionGuard}; the fault-schedule report finds it).
   */
  public static final String CANVASS_LOWERED = "cluster: lowered a member's canvass position";

  /** Guards {@link #run}, {@link #closing} and {@link #restart}. */
  private final Object lock = new Object();

  private MemberRun run;
  private boolean closing;
  private Thread restart;
  private volatile Runnable roleListener = () -> {};

  /** How long a stopping member's threads sleep briefly ({@link WakeGroup#stopping}). */
  private static final long STOPPING_NS = TimeUnit.SECONDS.toNanos(5);

  /** The most an in-place restart waits for the driver to free the old module's counters. */
  private static final long CONSENSUS_MODULE_GONE_MS = 10_000;

  /** How often {@link #wakeDriverUntil} wakes the driver. */
  private static final long DRIVER_WAKE_NS = TimeUnit.MILLISECONDS.toNanos(1);

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
      MediaDriver mediaDriver,
      Archive archive,
      String aeronDir,
      Path dir,
      MemberRun.Parts parts,
      LogRetention retention,
      ClusterStatus status,
      PrintStream out) {
    this.ctx = ctx;
    this.directory = directory;
    this.mediaDriver = mediaDriver;
    this.archive = archive;
    this.aeronDir = aeronDir;
    this.dir = dir;
    this.parts = parts;
    this.retention = retention;
    this.status = status;
    this.out = out;
  }

  /**
   * Starts member {@code id} of {@code members}, its files in {@code dir}, and its watcher.
   *
   * @param room makes the clustered room: once, and again at each in-place restart ({@link
   *     #restartInPlace})
   * @param retention where the room service says below which position the log may go
   */
  public static ClusterNode start(
      ClusterContext ctx,
      ClusterMembers members,
      int id,
      Path dir,
      Supplier<RoomService> room,
      LogRetention retention,
      ClusterStatus status,
      PrintStream out) {
    ctx.checkConcluded();
    Path base = dir.toAbsolutePath();
    String aeronDir = base.resolve("driver").toString();
    String host = members.host(id);
    MediaDriver.Context driver =
        ctx.mediaDriver(status::canvassPositionLowered)
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
    Supplier<AeronArchive.Context> archiveClient =
        () ->
            new AeronArchive.Context()
                .lock(NoOpLock.INSTANCE)
                .controlRequestChannel(archive.localControlChannel())
                .controlRequestStreamId(archive.localControlStreamId())
                .controlResponseChannel(archive.localControlChannel())
                .aeronDirectoryName(aeronDir);
    ClusterNode[] node = new ClusterNode[1];
    Supplier<ConsensusModule.Context> consensus =
        () ->
            new ConsensusModule.Context()
                // Epoch nanoseconds in the log (not Aeron's default ms): a traced message's hop to
                // the leader and its commit are told apart by its log timestamp (RoundTripTracer).
                .clusterClock(new NanosecondClusterClock())
                .clusterMemberId(id)
                .clusterMembers(members.aeronMembers())
                .clusterDir(base.resolve("cluster").toFile())
                .archiveContext(archiveClient.get())
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
                .electionTimeoutNs(ctx.electionTimeoutNs())
                .errorHandler(
                    new StuckReplayDetector(ctx.nanoClock(), why -> node[0].restartInPlace(why)));
    Supplier<ClusteredServiceContainer.Context> service =
        () ->
            new ClusteredServiceContainer.Context()
                .aeronDirectoryName(aeronDir)
                .archiveContext(archiveClient.get())
                .clusterDir(base.resolve("cluster").toFile())
                .clusteredService(room.get())
                .serviceId(0)
                .idleStrategySupplier(() -> ctx.agentIdleStrategy(WakeGroup.ROOM));
    Supplier<LogPurger> purger =
        () ->
            new LogPurger(
                archiveClient.get(),
                base.resolve("cluster").toFile(),
                ConsensusModule.Configuration.logStreamId(),
                out);
    MemberRun.Parts parts = new MemberRun.Parts(consensus, service, purger);
    ClusterDirectory directory = ClusterDirectory.open(base);
    MediaDriver mediaDriver = null;
    Archive launchedArchive = null;
    try {
      mediaDriver = launching(() -> MediaDriver.launch(driver), dir);
      MediaDriver launchedDriver = mediaDriver;
      // As Aeron's ClusteredMediaDriver wires its archive to its driver.
      launchedArchive =
          launching(
              () ->
                  Archive.launch(
                      archive
                          .mediaDriverAgentInvoker(launchedDriver.sharedAgentInvoker())
                          .errorHandler(driver.errorHandler())
                          .errorCounter(
                              new AtomicCounter(
                                  driver.countersValuesBuffer(),
                                  SystemCounterDescriptor.ERRORS.id()))),
              dir);
      node[0] =
          new ClusterNode(
              ctx,
              directory,
              mediaDriver,
              launchedArchive,
              aeronDir,
              dir,
              parts,
              retention,
              status,
              out);
      node[0].launchFirstRun();
      return node[0];
    } catch (RuntimeException e) {
      if (node[0] != null) {
        node[0].abandon();
      }
      CloseHelper.quietCloseAll(launchedArchive, mediaDriver, directory);
      throw e;
    }
  }

  private void launchFirstRun() {
    MemberRun first =
        MemberRun.launch(parts, ctx, aeronDir, dir, retention, status, this::roleChanged, out);
    synchronized (lock) {
      run = first;
    }
  }

  /** The member failed to start: a restart asked for meanwhile must not wait for it. */
  private void abandon() {
    synchronized (lock) {
      closing = true;
    }
  }

  /**
   * Launches a part of the member. The directory's mark files were released when it was opened
   * ({@link ClusterDirectory}), so one that Aeron still finds in use belongs to a process that does
   * not take ringchat's lock: say so in one line.
   */
  static <T> T launching(Supplier<T> launch, Path dir) {
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

  /**
   * The current consensus module's error handler (Aeron's, which logs, with {@link
   * StuckReplayDetector} behind it), for the tests to hand it errors; null between runs.
   */
  ErrorHandler consensusErrorHandler() {
    synchronized (lock) {
      return run == null ? null : run.errorHandler();
    }
  }

  /** {@code listener} runs (on the watcher's thread) after each change of role or term. */
  public void onRoleChange(Runnable listener) {
    this.roleListener = listener;
  }

  private void roleChanged() {
    roleListener.run();
  }

  /**
   * Restarts the member's consensus module and room from its files, on a thread of its own, while
   * the driver and the archive (and the broker, whose session is with the leader) go on: what a
   * member that cannot replay its own log needs ({@link StuckReplayDetector}), as a process restart
   * would do, without closing the broker's connections. Once per call; none once the node closes,
   * nor while a restart is under way. {@code why} is printed.
   */
  public void restartInPlace(String why) {
    synchronized (lock) {
      if (closing || restart != null) {
        return;
      }
      restart = new Thread(() -> restart(why), "ringchat-member-restart");
      restart.setDaemon(true);
      restart.start();
    }
  }

  private void restart(String why) {
    out.println(
        RESTARTING_IN_PLACE
            + " ("
            + why
            + "): restarting its consensus module and room from its files; this broker goes on"
            + " serving");
    out.flush();
    try {
      MemberRun stopped = takeRun();
      if (stopped == null) {
        return; // the node closes
      }
      ctx.wakes().stopping(STOPPING_NS);
      stopped.close();
      awaitConsensusModuleGone(stopped.clusterId());
      MemberRun started =
          MemberRun.launch(parts, ctx, aeronDir, dir, retention, status, this::roleChanged, out);
      boolean keep;
      synchronized (lock) {
        keep = !closing;
        if (keep) {
          run = started;
        }
      }
      if (!keep) {
        started.close();
        return;
      }
      status.memberRestarted();
      out.println("ringchat cluster: member restarted in place");
    } catch (RuntimeException e) {
      out.println(
          "ringchat cluster: restarting the member in place failed ("
              + e
              + "): this broker serves through the other members; restart it");
    } finally {
      out.flush();
      synchronized (lock) {
        restart = null;
      }
    }
  }

  /**
   * Stops the member, its watcher first (it may be purging: it finishes with the archive). The
   * consensus module closes next: its log publication then ends with an end-of-stream, which the
   * followers take as "the leader left" and elect a new leader at once (Aeron's graceful leader
   * close, in place of a leadership transfer it does not have). A leader keeps its driver a moment
   * longer so that the end-of-stream is sent ({@link #wakeDriverUntil}).
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
    Thread restarting;
    synchronized (lock) {
      closing = true;
      restarting = restart;
    }
    if (restarting != null) {
      // It launches nothing more once it sees the node closing, and closes what it launched.
      joinQuietly(restarting);
    }
    // Each part's close waits until its thread sees that it must stop: a thread asleep for the idle
    // sleep (100 ms) saw it that late, and a leader's consensus module closes (and so ends its log,
    // the followers' sign to elect) only then. Every thread sleeps briefly from here on.
    ctx.wakes().stopping(STOPPING_NS);
    MemberRun last;
    synchronized (lock) {
      last = run;
      run = null;
    }
    if (last != null) {
      last.closeWatcher();
      boolean leading = last.leading();
      if (leading && !wakeDriverUntil(ownSessionClosed, SESSION_CLOSE_WAIT_MS)) {
        out.println(
            "ringchat cluster: this broker's session close was not applied within "
                + SESSION_CLOSE_WAIT_MS
                + " ms: the next leader will time the session out");
        out.flush();
      }
      last.closeConsensusModule();
      if (leading) {
        wakeDriverUntil(() -> false, ctx.handoverMs());
      }
      last.closeRoom();
    }
    CloseHelper.closeAll(archive, mediaDriver, directory);
    ClusterContext.closeDriverIdle(mediaDriver.context());
  }

  /**
   * The run to stop, taken from the node; waits while the first run is still being launched (its
   * election can fail before its launch returns). Null if the node closes first.
   */
  private MemberRun takeRun() {
    while (true) {
      synchronized (lock) {
        if (closing) {
          return null;
        }
        if (run != null) {
          MemberRun taken = run;
          run = null;
          return taken;
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  /**
   * Until the driver has freed the closed consensus module's counters: a consensus module that
   * finds another's state counter in its driver refuses to start ("existing consensus module
   * detected"), and the driver frees them once it handled the closed module's client, a moment
   * later.
   */
  private void awaitConsensusModuleGone(int clusterId) {
    CountersReader counters = mediaDriver.context().countersManager();
    if (!wakeDriverUntil(
        () ->
            ClusterCounters.find(
                    counters,
                    ConsensusModule.Configuration.CONSENSUS_MODULE_STATE_TYPE_ID,
                    clusterId)
                == Aeron.NULL_VALUE,
        CONSENSUS_MODULE_GONE_MS)) {
      throw new IllegalStateException(
          "the driver still holds the closed consensus module's counters after 10 s");
    }
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Until {@code done}, at most {@code mostMs}, waking the driver every millisecond, so that what
   * waits on the driver's timers is not held up by its idle sleep. A stopping leader waits so for
   * its own broker's session close to be applied, and then keeps its driver so for the handover
   * itself (done: never), since the closed log publication's end-of-stream goes out on the driver's
   * timers and the followers elect a new leader only once it arrives; an in-place restart waits so
   * for the driver to free the closed consensus module's counters. Returns whether {@code done}.
   */
  private boolean wakeDriverUntil(BooleanSupplier done, long mostMs) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(mostMs);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - end >= 0 || Thread.currentThread().isInterrupted()) {
        return false;
      }
      ctx.wakes().toDriver();
      LockSupport.parkNanos(DRIVER_WAKE_NS);
    }
    return true;
  }
}
