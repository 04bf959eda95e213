package io.ringchat.broker.cluster;

import io.aeron.cluster.ClusterControl;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.ElectionState;
import io.aeron.cluster.service.Cluster;
import io.ringchat.broker.stats.ClusterStatus;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Watches a member from beside it, as an Agrona {@link Agent} its node runs every watch interval:
 * prints each change of role with its term ({@code cluster role: leader (term 3)}; leader once its
 * election closed, see {@link #shownRole}), keeps the operators' status, asks for a snapshot each
 * time the log has grown by the snapshot interval while the member leads (the consensus module's
 * control toggle), and purges what the members agreed the log can do without ({@link LogPurger}),
 * trying again later when the archive puts it off.
 *
 * <p>Its own thread (the node's agent runner); what it shares with the other threads is the
 * consensus module's counters, {@link LogRetention} and {@link ClusterStatus}, none locked.
 */
final class ClusterWatcher implements Agent {
  private final AtomicCounter role;
  private final AtomicCounter term;
  private final AtomicCounter commit;
  private final AtomicCounter toggle;
  private final AtomicCounter election;
  private final long snapshotIntervalBytes;
  private final long purgeRetryNs;
  private final NanoClock clock;
  private final LogRetention retention;
  private final LogPurger purger;
  private final ClusterStatus status;
  private final PrintStream out;

  /** Told of each change of role (this agent's thread). */
  private volatile Runnable roleListener = () -> {};

  private Cluster.Role shown;
  private long shownTerm = Long.MIN_VALUE;
  private Cluster.Role counted;
  private long countedTerm = Long.MIN_VALUE;
  private long snapshotAt;
  private long purged = -1;
  private long purgeAgainNs;
  private long loweredShown;

  /** Whether the member's election now is a catch-up with a leader that goes on leading. */
  private boolean catchingUp;

  ClusterWatcher(
      ConsensusModule.Context cm,
      ClusterContext ctx,
      LogRetention retention,
      LogPurger purger,
      ClusterStatus status,
      PrintStream out) {
    this.role = cm.clusterNodeRoleCounter();
    this.term = cm.leadershipTermIdCounter();
    this.commit = cm.commitPositionCounter();
    this.toggle = cm.controlToggleCounter();
    this.election = cm.electionStateCounter();
    this.snapshotIntervalBytes = ctx.snapshotIntervalBytes();
    this.purgeRetryNs = TimeUnit.MILLISECONDS.toNanos(ctx.purgeRetryMs());
    this.clock = ctx.nanoClock();
    this.retention = retention;
    this.purger = purger;
    this.status = status;
    this.out = out;
    this.loweredShown = status.canvassPositionsLowered(); // a member restarted in place: said
  }

  /** {@code listener} runs (on this agent's thread) after each change of role or term. */
  void onRoleChange(Runnable listener) {
    this.roleListener = listener;
  }

  @Override
  public void onStart() {
    snapshotAt = commit.get();
    purgeAgainNs = clock.nanoTime();
  }

  @Override
  public int doWork() {
    ElectionState state = ElectionState.get(election);
    boolean electing = state != ElectionState.CLOSED;
    catchingUp = catchingUp(state, catchingUp);
    Cluster.Role now = shownRole(Cluster.Role.get(role), electing);
    long nowTerm = term.get();
    int work = 0;
    status.electing(electing && !catchingUp);
    if (!status.hasSeenLeader() && knowsLeader(state)) {
      status.sawLeader();
    }
    status.catchingUp(catchingUp); // false once CLOSED
    if (now != counted || nowTerm != countedTerm) {
      status.role(roleOf(now), nowTerm);
      counted = now;
      countedTerm = nowTerm;
      roleListener.run();
      work++;
    }
    boolean settled = now != Cluster.Role.CANDIDATE;
    if (settled && (now != shown || (now == Cluster.Role.LEADER && nowTerm != shownTerm))) {
      print("cluster role: %s (term %d)%n", now.name().toLowerCase(Locale.ROOT), nowTerm);
      shown = now;
      shownTerm = nowTerm;
    }
    long position = commit.get();
    long lowered = status.canvassPositionsLowered();
    if (lowered != loweredShown) {
      // Said here, not by the media driver's thread that lowered it, which must not wait on output.
      print(
          ClusterNode.CANVASS_LOWERED
              + " to the commit position (%d now): it claimed more of the log than the room"
              + " committed (%d so far)%n",
          position,
          lowered);
      loweredShown = lowered;
      work++;
    }
    if (now == Cluster.Role.LEADER
        && position - snapshotAt >= snapshotIntervalBytes
        && ClusterControl.ToggleState.SNAPSHOT.toggle(toggle)) {
      snapshotAt = position;
      print("cluster: snapshot at log position %d%n", position);
      work++;
    }
    long purgeBelow = retention.purgeBelow();
    long nowNs = clock.nanoTime();
    if (purgeBelow > purged && nowNs - purgeAgainNs >= 0) {
      if (purger.purgeBelow(purgeBelow)) {
        purged = purgeBelow;
      } else {
        purgeAgainNs = nowNs + purgeRetryNs;
      }
      work++;
    }
    // Not counted as work: the conductor counts its timer check as work, and work here means
    // "look again at once" to the runner's idle strategy.
    purger.invokeClient();
    return work;
  }

  /**
   * The role to report: the consensus module's, but a member that won its ballot is still a
   * candidate until the election closes. The module calls itself leader from the ballot on, while
   * its new term's log is recorded, replayed and acknowledged by a follower (about 100 to 200 ms
   * here), and the election can still fail then; until it closes the room takes no message, so a
   * script or an operator told "leader" earlier would be told what is not yet so.
   */
  private static Cluster.Role shownRole(Cluster.Role role, boolean electing) {
    return role == Cluster.Role.LEADER && electing ? Cluster.Role.CANDIDATE : role;
  }

  /**
   * Whether the member is catching up with a leader that leads on, given the election state now and
   * whether it was so at the last look. A follower that fell out of the leader's log (its log
   * recording stopped: on two shared cores under a load of large messages, a follower starved for a
   * fraction of a second) or a restarted member elects no one: it finds the leader in the term the
   * brokers are in and catches up from the leader's archive, for seconds (13 to 17 s seen under
   * load), while the leader and the other follower go on and this process's broker serves through
   * its own session with the leader. Its broker is then not "electing": {@code /healthz} said 503
   * "no cluster leader" all that time. Aeron enters the catch-up states only to join a running
   * leader; a look that finds the election back at its start (a new one) ends it.
   */
  private static boolean catchingUp(ElectionState state, boolean was) {
    return switch (state) {
      case FOLLOWER_CATCHUP_INIT, FOLLOWER_CATCHUP_AWAIT, FOLLOWER_CATCHUP -> true;
      case CLOSED, INIT, CANVASS, NOMINATE, CANDIDATE_BALLOT, FOLLOWER_BALLOT -> false;
      default -> was; // the steps after a catch-up (the live log joined) belong to it
    };
  }

  /**
   * Whether the member knows a leader in election state {@code state}: past the ballot, it leads or
   * follows the leader's log (a catch-up included), or the election closed. A leader takes brokers'
   * requests only once its election closes, a moment after its ballot (100 to 200 ms here; longer
   * when it replays a long log), so that a request sent from here on is answered in time; waiting
   * for this member's own election to close instead, a restarted member's broker served 1 to 3 s
   * later (the member replays its own log first).
   */
  private static boolean knowsLeader(ElectionState state) {
    return switch (state) {
      case INIT, CANVASS, NOMINATE, CANDIDATE_BALLOT, FOLLOWER_BALLOT -> false;
      default -> true;
    };
  }

  private void print(String format, Object... args) {
    out.printf(Locale.ROOT, format, args);
    out.flush();
  }

  private static ClusterStatus.Role roleOf(Cluster.Role role) {
    return switch (role) {
      case LEADER -> ClusterStatus.Role.LEADER;
      case CANDIDATE -> ClusterStatus.Role.CANDIDATE;
      case FOLLOWER -> ClusterStatus.Role.FOLLOWER;
    };
  }

  @Override
  public void onClose() {
    purger.close();
  }

  @Override
  public String roleName() {
    return "ringchat-cluster-watcher";
  }
}
