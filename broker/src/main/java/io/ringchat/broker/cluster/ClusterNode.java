package io.ringchat.broker.cluster;

import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ClusteredMediaDriver;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.ElectionState;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.ringchat.broker.stats.ClusterStatus;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpLock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * One member of the cluster in this process: Aeron's media driver, archive and consensus module
 * (one {@link ClusteredMediaDriver}) and the clustered room ({@link RoomService}), with the
 * member's files under {@code --cluster-dir}. It prints {@code cluster role: leader} or {@code
 * cluster role: follower}, with the leadership term, whenever the member's role changes; its
 * watcher thread also asks for snapshots while it leads and purges the log the members agreed to
 * let go ({@link LogPurger}).
 *
 * <p>Every Aeron agent backs off to a 1 ms sleep when it has nothing to do: on a small machine
 * three members would otherwise starve each other, and an idle cluster would burn the CPU.
 *
 * <p>Started and closed by the thread that starts and stops the broker.
 */
public final class ClusterNode implements AutoCloseable {
  /** How often the role is looked at; a role change is printed within this. */
  private static final long ROLE_POLL_MILLIS = 50;

  private final ClusterDirectory directory;
  private final ClusteredMediaDriver driver;
  private final ClusteredServiceContainer container;
  private final Thread roleMonitor;
  private final String aeronDir;
  private volatile boolean closed;

  private final long snapshotBytes;
  private final LogRetention retention;
  private final LogPurger purger;
  private final ClusterStatus status;

  /** Told of each change of role (the watcher's thread); replaced by {@link #onRoleChange}. */
  private volatile Runnable roleListener = () -> {};

  private ClusterNode(
      ClusterDirectory directory,
      ClusteredMediaDriver driver,
      ClusteredServiceContainer container,
      String aeronDir,
      long snapshotBytes,
      LogRetention retention,
      LogPurger purger,
      ClusterStatus status,
      PrintStream out) {
    this.status = status;
    this.directory = directory;
    this.driver = driver;
    this.container = container;
    this.aeronDir = aeronDir;
    this.snapshotBytes = snapshotBytes;
    this.retention = retention;
    this.purger = purger;
    ConsensusModule.Context cm = driver.consensusModule().context();
    this.roleMonitor = new Thread(() -> watch(cm, out), "ringchat-cluster-role");
    roleMonitor.setDaemon(true);
    roleMonitor.start();
  }

  static IdleStrategy backoff() {
    return new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(10), 1_000_000);
  }

  /**
   * Starts member {@code id} of {@code members}, its files in {@code dir}.
   *
   * @param snapshotBytes while this member leads, a snapshot is taken each time the log has grown
   *     by this many bytes since the last one (a restarting member then replays from it)
   * @param retention where the room service says below which position the log may go
   */
  public static ClusterNode start(
      ClusterMembers members,
      int id,
      Path dir,
      long snapshotBytes,
      RoomService service,
      LogRetention retention,
      ClusterStatus status,
      PrintStream out) {
    Path base = dir.toAbsolutePath();
    String aeronDir = base.resolve("driver").toString();
    String host = members.host(id);
    MediaDriver.Context driver =
        new MediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(backoff())
            .termBufferSparseFile(true)
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
            .segmentFileLength(segmentBytes(snapshotBytes))
            .recordingEventsEnabled(false)
            .threadingMode(ArchiveThreadingMode.SHARED)
            .idleStrategySupplier(ClusterNode::backoff)
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
            .clusterMemberId(id)
            .clusterMembers(members.aeronMembers())
            .clusterDir(base.resolve("cluster").toFile())
            .archiveContext(archiveClient.clone())
            .aeronDirectoryName(aeronDir)
            .serviceCount(1)
            .ingressChannel("aeron:udp")
            .logChannel("aeron:udp?term-length=" + LOG_TERM_BYTES)
            .replicationChannel("aeron:udp?endpoint=" + host + ":0")
            .idleStrategySupplier(ClusterNode::backoff)
            // A broker that stopped or vanished: its members leave within about 3 s.
            .sessionTimeoutNs(TimeUnit.SECONDS.toNanos(3))
            // A leader that vanished: the others elect a new one within about 1.5 s.
            .leaderHeartbeatTimeoutNs(TimeUnit.SECONDS.toNanos(1))
            .leaderHeartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(100))
            .electionTimeoutNs(TimeUnit.MILLISECONDS.toNanos(300));
    ClusteredServiceContainer.Context serviceContext =
        new ClusteredServiceContainer.Context()
            .aeronDirectoryName(aeronDir)
            .archiveContext(archiveClient.clone())
            .clusterDir(base.resolve("cluster").toFile())
            .clusteredService(service)
            .serviceId(0)
            .idleStrategySupplier(ClusterNode::backoff);
    ClusterDirectory directory = ClusterDirectory.open(base);
    ClusteredMediaDriver launched;
    ClusteredServiceContainer container;
    try {
      launched =
          launching(
              () -> ClusteredMediaDriver.launch(driver.clone(), archive.clone(), consensus.clone()),
              dir);
      try {
        container = launching(() -> ClusteredServiceContainer.launch(serviceContext.clone()), dir);
      } catch (RuntimeException e) {
        launched.close();
        throw e;
      }
    } catch (RuntimeException e) {
      directory.close();
      throw e;
    }
    LogPurger purger =
        new LogPurger(
            archiveClient.clone(), base.resolve("cluster").toFile(), consensus.logStreamId(), out);
    return new ClusterNode(
        directory, launched, container, aeronDir, snapshotBytes, retention, purger, status, out);
  }

  /** The log's term length: each publication of the log has three terms of this size. */
  private static final int LOG_TERM_BYTES = 4 * 1024 * 1024;

  /**
   * The archive's segment file length, the log's unit of purging: a quarter of the snapshot
   * interval (a power of two and a multiple of the log's term, as the archive requires), so that
   * the log kept is at most two snapshot intervals and a quarter.
   */
  static int segmentBytes(long snapshotBytes) {
    long quarter = Long.highestOneBit(Math.max(1, snapshotBytes / 4));
    return (int) Math.min(1L << 30, Math.max(LOG_TERM_BYTES, quarter));
  }

  /** How long a purge the archive put off waits before it is tried again. */
  private static final long PURGE_RETRY_MILLIS = 5_000;

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

  /**
   * Prints each change of role with its term, while this member leads asks for a snapshot whenever
   * the log has grown by {@code snapshotBytes} (the consensus module's control toggle), and purges
   * what the members agreed the log can do without.
   */
  private void watch(ConsensusModule.Context cm, PrintStream out) {
    try {
      watchUntilClosed(cm, out);
    } finally {
      purger.close();
    }
  }

  private void watchUntilClosed(ConsensusModule.Context cm, PrintStream out) {
    long purged = -1;
    long purgeAgainAt = 0;
    AtomicCounter role = cm.clusterNodeRoleCounter();
    AtomicCounter term = cm.leadershipTermIdCounter();
    AtomicCounter commit = cm.commitPositionCounter();
    AtomicCounter toggle = cm.controlToggleCounter();
    AtomicCounter election = cm.electionStateCounter();
    Cluster.Role shown = null;
    long shownTerm = Long.MIN_VALUE;
    long snapshotAt = commit.get();
    Cluster.Role counted = null;
    long countedTerm = Long.MIN_VALUE;
    while (!closed) {
      Cluster.Role now = Cluster.Role.get(role);
      long nowTerm = term.get();
      status.electing(ElectionState.get(election) != ElectionState.CLOSED);
      if (now != counted || nowTerm != countedTerm) {
        status.role(roleOf(now), nowTerm);
        counted = now;
        countedTerm = nowTerm;
        roleListener.run();
      }
      boolean settled = now != Cluster.Role.CANDIDATE;
      if (settled && (now != shown || (now == Cluster.Role.LEADER && nowTerm != shownTerm))) {
        out.printf(
            Locale.ROOT,
            "cluster role: %s (term %d)%n",
            now.name().toLowerCase(Locale.ROOT),
            nowTerm);
        out.flush();
        shown = now;
        shownTerm = nowTerm;
      }
      long position = commit.get();
      if (now == Cluster.Role.LEADER && position - snapshotAt >= snapshotBytes) {
        if (ClusterControl.ToggleState.SNAPSHOT.toggle(toggle)) {
          snapshotAt = position;
          out.printf(Locale.ROOT, "cluster: snapshot at log position %d%n", position);
          out.flush();
        }
      }
      long purgeBelow = retention.purgeBelow();
      long nowMillis = System.currentTimeMillis();
      if (purgeBelow > purged && nowMillis >= purgeAgainAt) {
        if (purger.purgeBelow(purgeBelow)) {
          purged = purgeBelow;
        } else {
          purgeAgainAt = nowMillis + PURGE_RETRY_MILLIS;
        }
      }
      try {
        Thread.sleep(ROLE_POLL_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static ClusterStatus.Role roleOf(Cluster.Role role) {
    return switch (role) {
      case LEADER -> ClusterStatus.Role.LEADER;
      case CANDIDATE -> ClusterStatus.Role.CANDIDATE;
      case FOLLOWER -> ClusterStatus.Role.FOLLOWER;
    };
  }

  /** {@code listener} runs (on the watcher's thread) after each change of role or term. */
  public void onRoleChange(Runnable listener) {
    this.roleListener = listener;
  }

  /**
   * How long a stopping leader keeps its media driver after its consensus module has closed, so
   * that the end of its log reaches the followers (they then elect a new leader at once instead of
   * waiting out the leader heartbeat timeout).
   */
  private static final long HANDOVER_MILLIS = 200;

  /**
   * Stops the member. The consensus module closes first: its log publication then ends with an
   * end-of-stream, which the followers take as "the leader left" and elect a new leader at once
   * (Aeron's graceful leader close, in place of a leadership transfer it does not have). A leader
   * keeps its driver a moment longer so that the end-of-stream is sent.
   */
  @Override
  public void close() {
    closed = true;
    try {
      roleMonitor.join(1_000); // it may be purging: let it finish with the archive first
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    roleMonitor.interrupt();
    ConsensusModule consensusModule = driver.consensusModule();
    boolean leading =
        Cluster.Role.get(consensusModule.context().clusterNodeRoleCounter()) == Cluster.Role.LEADER;
    CloseHelper.close(consensusModule);
    if (leading) {
      try {
        Thread.sleep(HANDOVER_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    CloseHelper.closeAll(container, driver, directory);
  }
}
