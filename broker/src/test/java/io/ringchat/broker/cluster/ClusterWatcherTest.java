package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.aeron.Counter;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.ElectionState;
import io.aeron.cluster.service.Cluster;
import io.ringchat.broker.stats.ClusterStatus;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the watcher reports (status, the role listener that writes the ready file, the {@code
 * cluster role:} line) from the consensus module's counters, moved here by the test as an election
 * would move them.
 */
class ClusterWatcherTest {
  private final CountersManager counters =
      new CountersManager(
          new UnsafeBuffer(new byte[CountersManager.METADATA_LENGTH * 8]),
          new UnsafeBuffer(new byte[CountersManager.COUNTER_LENGTH * 8]));
  private final Counter role = counter("role");
  private final Counter term = counter("term");
  private final Counter election = counter("election");
  private final ClusterStatus status = new ClusterStatus(true);
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
  private final List<ClusterStatus.Role> told = new ArrayList<>();
  private ClusterWatcher watcher;

  private Counter counter(String label) {
    return new Counter(counters, counters.allocate(label));
  }

  @BeforeEach
  void start() {
    ConsensusModule.Context cm =
        new ConsensusModule.Context()
            .clusterNodeRoleCounter(role)
            .leadershipTermIdCounter(term)
            .commitPositionCounter(counter("commit"))
            .controlToggleCounter(counter("toggle"))
            .electionStateCounter(election);
    ClusterContext ctx = new ClusterContext();
    ctx.conclude();
    watcher =
        new ClusterWatcher(
            cm,
            ctx,
            new LogRetention(0),
            new LogPurger(
                new AeronArchive.Context(),
                new File("unused"),
                0,
                new PrintStream(OutputStream.nullOutputStream())),
            status,
            new PrintStream(printed, true, StandardCharsets.UTF_8));
    watcher.onRoleChange(() -> told.add(status.role()));
    watcher.onStart();
  }

  private void election(ElectionState state, Cluster.Role now, long termId) {
    election.set(state.code());
    role.set(now.code());
    term.set(termId);
    watcher.doWork();
  }

  @Test
  void shouldCallAMemberLeaderOnlyOnceItsElectionClosed() {
    election(ElectionState.CANVASS, Cluster.Role.FOLLOWER, 0);
    election(ElectionState.CANDIDATE_BALLOT, Cluster.Role.CANDIDATE, 0);
    // The ballot is won: the consensus module calls itself leader from here on.
    election(ElectionState.LEADER_LOG_REPLICATION, Cluster.Role.LEADER, 0);
    election(ElectionState.LEADER_REPLAY, Cluster.Role.LEADER, 1);
    election(ElectionState.LEADER_READY, Cluster.Role.LEADER, 1);
    assertThat(status.role()).isEqualTo(ClusterStatus.Role.CANDIDATE);
    assertThat(status.electing()).isTrue();
    assertThat(printed.toString(StandardCharsets.UTF_8)).doesNotContain("leader");

    election(ElectionState.CLOSED, Cluster.Role.LEADER, 1);
    assertThat(status.role()).isEqualTo(ClusterStatus.Role.LEADER);
    assertThat(status.electing()).isFalse();
    assertThat(told)
        .endsWith(ClusterStatus.Role.LEADER)
        .containsOnlyOnce(ClusterStatus.Role.LEADER);
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            String.format("cluster role: follower (term 0)%ncluster role: leader (term 1)%n"));
  }

  @Test
  void shouldSayTheMemberKnowsALeaderOnceABallotIsWon() {
    // The broker asks for its session only then (SessionConnector#connect).
    election(ElectionState.CANVASS, Cluster.Role.FOLLOWER, 0);
    election(ElectionState.NOMINATE, Cluster.Role.FOLLOWER, 0);
    election(ElectionState.CANDIDATE_BALLOT, Cluster.Role.CANDIDATE, 0);
    assertThat(status.hasSeenLeader()).isFalse();

    election(ElectionState.LEADER_LOG_REPLICATION, Cluster.Role.LEADER, 0);
    assertThat(status.hasSeenLeader()).isTrue();
    election(ElectionState.CANVASS, Cluster.Role.FOLLOWER, 0); // a later election: still known
    assertThat(status.hasSeenLeader()).isTrue();
    assertThat(new ClusterStatus(false).hasSeenLeader()).as("a front-end: no member").isTrue();
  }

  @Test
  void shouldSayAFollowerKnowsALeaderOnceItFollowsItsLog() {
    election(ElectionState.CANVASS, Cluster.Role.FOLLOWER, 0);
    election(ElectionState.FOLLOWER_BALLOT, Cluster.Role.FOLLOWER, 0);
    assertThat(status.hasSeenLeader()).isFalse();
    // The leader's new term: the member replays its own log first, for seconds when restarted.
    election(ElectionState.FOLLOWER_LOG_REPLICATION, Cluster.Role.FOLLOWER, 1);
    assertThat(status.hasSeenLeader()).isTrue();
  }

  @Test
  void shouldCallAFollowerFollowerThroughAnElection() {
    election(ElectionState.CLOSED, Cluster.Role.FOLLOWER, 3);
    election(ElectionState.CANVASS, Cluster.Role.FOLLOWER, 3);
    election(ElectionState.FOLLOWER_LOG_AWAIT, Cluster.Role.FOLLOWER, 4);
    election(ElectionState.CLOSED, Cluster.Role.FOLLOWER, 4);
    assertThat(status.role()).isEqualTo(ClusterStatus.Role.FOLLOWER);
    assertThat(printed.toString(StandardCharsets.UTF_8))
        .isEqualTo(String.format("cluster role: follower (term 3)%n"));
  }

  @Test
  void shouldNotCallAFollowerThatCatchesUpWithARunningLeaderElecting() {
    status.unhealthy(null); // the broker's link has its session with the leader
    election(ElectionState.CLOSED, Cluster.Role.FOLLOWER, 3);
    // Its log recording stopped: the member looks for the leader, which answers in term 3.
    election(ElectionState.INIT, Cluster.Role.FOLLOWER, 3);
    election(ElectionState.CANVASS, Cluster.Role.FOLLOWER, 3);
    assertThat(status.electing()).isTrue(); // not yet known: a new election begins so too
    election(ElectionState.FOLLOWER_CATCHUP_AWAIT, Cluster.Role.FOLLOWER, 3);
    assertThat(status.electing()).isFalse();
    assertThat(status.catchingUp()).isTrue(); // what says the member does not hold the log yet
    election(ElectionState.FOLLOWER_CATCHUP, Cluster.Role.FOLLOWER, 3);
    election(ElectionState.FOLLOWER_READY, Cluster.Role.FOLLOWER, 3);
    assertThat(status.electing()).isFalse();
    assertThat(status.unhealthy()).isNull();
    election(ElectionState.CLOSED, Cluster.Role.FOLLOWER, 3);
    assertThat(status.electing()).isFalse();
    assertThat(status.catchingUp()).isFalse();

    // A new election after that one is an election again, through its follower steps too.
    election(ElectionState.CANVASS, Cluster.Role.FOLLOWER, 3);
    election(ElectionState.FOLLOWER_BALLOT, Cluster.Role.FOLLOWER, 3);
    election(ElectionState.FOLLOWER_REPLAY, Cluster.Role.FOLLOWER, 3);
    election(ElectionState.FOLLOWER_READY, Cluster.Role.FOLLOWER, 3);
    assertThat(status.electing()).isTrue();
    assertThat(status.catchingUp()).isFalse();
    assertThat(status.unhealthy()).startsWith("no cluster leader");
  }
}
