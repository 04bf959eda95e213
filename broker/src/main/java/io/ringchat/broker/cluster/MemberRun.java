package io.ringchat.broker.cluster;

import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.ringchat.broker.stats.ClusterStatus;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;

/**
 * One run of a member's consensus module, its clustered room and their {@link ClusterWatcher}: the
 * part of a {@link ClusterNode} that an in-place restart ends and starts again from the member's
 * files, while the media driver and the archive (and so the broker's own cluster session, which
 * goes through that driver) stay.
 *
 * <p>Launched and closed by one thread at a time: the broker's, or the node's restart thread.
 */
final class MemberRun {
  private final ConsensusModule consensusModule;
  private final ClusteredServiceContainer container;
  private final AgentRunner watcherRunner;

  private MemberRun(
      ConsensusModule consensusModule,
      ClusteredServiceContainer container,
      AgentRunner watcherRunner) {
    this.consensusModule = consensusModule;
    this.container = container;
    this.watcherRunner = watcherRunner;
  }

  /** What a run is made of, made anew for each: Aeron's contexts are concluded once only. */
  record Parts(
      Supplier<ConsensusModule.Context> consensus,
      Supplier<ClusteredServiceContainer.Context> room,
      Supplier<LogPurger> purger) {}

  /**
   * Launches the consensus module, then the room, then the watcher (told of each role change by
   * {@code roleListener}).
   */
  static MemberRun launch(
      Parts parts,
      ClusterContext ctx,
      String aeronDir,
      Path dir,
      LogRetention retention,
      ClusterStatus status,
      Runnable roleListener,
      PrintStream out) {
    ConsensusModule consensusModule =
        ClusterNode.launching(() -> ConsensusModule.launch(parts.consensus().get()), dir);
    ClusteredServiceContainer container;
    try {
      container = ClusterNode.launching(() -> launchRoom(parts.room().get(), aeronDir), dir);
    } catch (RuntimeException e) {
      consensusModule.close();
      throw e;
    }
    ctx.election().watch(consensusModule.context().electionStateCounter());
    ClusterWatcher watcher =
        new ClusterWatcher(
            consensusModule.context(), ctx, retention, parts.purger().get(), status, out);
    watcher.onRoleChange(roleListener);
    AgentRunner runner =
        new AgentRunner(
            ctx.watcherIdleStrategy(),
            e -> System.err.println("ringchat cluster: the watcher failed: " + e),
            null,
            watcher);
    AgentRunner.startOnThread(runner);
    return new MemberRun(consensusModule, container, runner);
  }

  /** The room's container, with a client of the driver that the room's own thread runs. */
  private static ClusteredServiceContainer launchRoom(
      ClusteredServiceContainer.Context context, String aeronDir) {
    return ClusterContext.withOwnedClient(
        aeronDir,
        "room",
        client -> ClusteredServiceContainer.launch(context.aeron(client).ownsAeronClient(true)));
  }

  /**
   * Whether the consensus module says it leads (from its ballot on: see {@link ClusterWatcher}).
   */
  boolean leading() {
    return Cluster.Role.get(consensusModule.context().clusterNodeRoleCounter())
        == Cluster.Role.LEADER;
  }

  /** Stops the watcher (it may be purging: it finishes with the archive first). */
  void closeWatcher() {
    Thread thread = watcherRunner.thread();
    if (thread != null) {
      LockSupport.unpark(thread);
    }
    CloseHelper.close(watcherRunner);
  }

  /** Closes the consensus module: a leader's log ends with it, the followers' sign to elect. */
  void closeConsensusModule() {
    CloseHelper.close(consensusModule);
  }

  /** Closes the room's container (after the consensus module). */
  void closeRoom() {
    CloseHelper.close(container);
  }

  /** Its consensus module's error handler, as Aeron made it from the one in its context. */
  ErrorHandler errorHandler() {
    return consensusModule.context().errorHandler();
  }

  /** The id its consensus module's counters carry ({@link ClusterNode} waits for them to go). */
  int clusterId() {
    return consensusModule.context().clusterId();
  }

  /** All of it, in that order. */
  void close() {
    closeWatcher();
    closeConsensusModule();
    closeRoom();
  }
}
