package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.aeron.Counter;
import io.aeron.cluster.ElectionState;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.driver.MediaDriver;
import io.ringchat.broker.BrokerConfig;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

/** The cluster's context: its defaults pass, a value out of range is refused in one line. */
class ClusterContextTest {
  @Test
  void shouldConcludeWithItsDefaults() {
    ClusterContext ctx = new ClusterContext();
    assertThat(ctx.concluded()).isFalse();
    assertThat(ctx.conclude().concluded()).isTrue();
    // Aeron's largest message is an eighth of a term: one egress message, behind the session
    // header the clustered service puts before it, must fit.
    assertThat(ctx.maxOutputBytes() + AeronCluster.SESSION_HEADER_LENGTH)
        .isLessThanOrEqualTo(ctx.egressTermLength() / 8);
  }

  @Test
  void shouldRefuseAValueOutOfRangeNamingIt() {
    assertThatThrownBy(() -> new ClusterContext().holdNs(0).conclude())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cluster hold must be positive, got 0");
    assertThatThrownBy(() -> new ClusterContext().snapshotIntervalBytes(1023).conclude())
        .hasMessage("--cluster-snapshot-bytes must be at least 1024");
    assertThatThrownBy(() -> new ClusterContext().holdNs(1_000).ingressResendNs(1_000).conclude())
        .hasMessage("the cluster ingress resend must be shorter than the hold");
  }

  @Test
  void shouldRefuseALineLongerThanOneIngressMessageCarries() {
    ClusterContext ctx = new ClusterContext();
    int longest = ctx.maxIngressMessageBytes() - 64; // more than the framing of one event

    assertThat(ctx.maxLineBytes(longest - 1_000).conclude().concluded()).isTrue();
    assertThatThrownBy(() -> new ClusterContext().maxLineBytes(longest + 64).conclude())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "--max-line " + (longest + 64) + " is longer than a clustered room");
  }

  @Test
  void shouldHaveEveryAgentSleepBrieflyJustAfterAStreamEnded() {
    // Idle sleeps of an hour: each agent below gets through its spins, yields and sleeps only
    // because, a stream having just ended (an election follows), it sleeps 1 ms at a time.
    ClusterContext ctx = new ClusterContext().idleParkNs(TimeUnit.HOURS.toNanos(1)).conclude();
    ctx.wakes().urgentFor(TimeUnit.MINUTES.toNanos(1));
    for (int role : new int[] {WakeGroup.ARCHIVE, WakeGroup.ROOM, WakeGroup.CONSENSUS}) {
      IdleStrategy idle = ctx.agentIdleStrategy(role);
      assertTimeoutPreemptively(
          Duration.ofSeconds(20),
          () -> {
            for (int i = 0; i < 50; i++) {
              idle.idle(0);
            }
          },
          "role " + role);
    }
  }

  @Test
  void shouldHaveTheWatcherLookOftenWhileTheMemberElectsAndStopWhenUnparked() throws Exception {
    // A watch interval of an hour: the watcher gets through its looks only because its member,
    // not started yet, counts as electing, so that the role it reports follows an election at once.
    ClusterContext ctx =
        new ClusterContext().watchIntervalMs(TimeUnit.HOURS.toMillis(1)).conclude();
    IdleStrategy electing = ctx.watcherIdleStrategy();
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          for (int i = 0; i < 50; i++) {
            electing.idle(0);
          }
        });

    ctx.election().watch(settledElection());
    IdleStrategy settled = ctx.watcherIdleStrategy();
    Thread watcher = new Thread(() -> settled.idle(0), "watcher");
    watcher.setDaemon(true);
    watcher.start();
    while (watcher.isAlive() && watcher.getState() != Thread.State.TIMED_WAITING) {
      Thread.onSpinWait();
    }
    assertThat(watcher.isAlive()).as("asleep for its watch interval").isTrue();
    LockSupport.unpark(watcher); // what a stopping member does before closing the watcher
    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> watcher.join());
  }

  /** An election state counter that says the member's election is over. */
  private static Counter settledElection() {
    CountersManager counters =
        new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(16 * 1024)));
    Counter state = new Counter(counters, counters.allocate("election state"));
    state.set(ElectionState.CLOSED.code());
    return state;
  }

  @Test
  void shouldLeaveAFailoverMostOfItsBudgetAfterAeronsOwnWaits() {
    // A killed leader is replaced after the followers' heartbeat timeout, a random nomination delay
    // of up to half the election timeout, and a whole election timeout of ballot (the dead member
    // never votes, so no ballot is unanimous). With a 300-ms election timeout those waits were
    // 1.45 s at most of the 1.5 s a failover may take at the median (docs/BENCHMARKS.md).
    ClusterContext ctx = new ClusterContext().conclude();
    long waits = ctx.leaderHeartbeatTimeoutNs() + ctx.electionTimeoutNs() * 3 / 2;
    assertThat(waits).isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(1_300));
  }

  @Test
  void shouldSetTheLongestSleepOfTheMembersThreadsAndTheLinkTogether() {
    ClusterContext ctx = new ClusterContext().idleParkNs(4_000_000).conclude();
    assertThat(ctx.idleSleepNs()).isEqualTo(4_000_000);
    assertThat(new ClusterWaitStrategy(ctx).parkNanos()).isEqualTo(4_000_000);
    assertThat(ctx.agentIdleStrategy(WakeGroup.ROOM)).isInstanceOf(AgentIdleStrategy.class);
    MediaDriver.Context driver = ctx.mediaDriver();
    try {
      assertThat(driver.sharedIdleStrategy())
          .as("the driver sleeps on its sockets")
          .isInstanceOf(DriverIdleStrategy.class);
      assertThat(driver.asyncExecutorEnabled())
          .as("no name resolver's thread waking 100 times a second")
          .isFalse();
    } finally {
      ClusterContext.closeDriverIdle(driver);
    }
  }

  @Test
  void shouldLetAMemberThatStartsItsElectionAgainGoOnWithinAboutALeaderHeartbeatTimeout() {
    // Starting its election again, a member first waits until the driver closed its old log
    // socket, which it does at a timer look once the log's image drained, five status-message
    // timeouts after: meanwhile it sends nothing. With 1-s status messages that was 6 s, longer
    // than the room could stand on two members (bench/late-follower.sh).
    ClusterContext ctx = new ClusterContext().conclude();
    MediaDriver.Context driver = ctx.mediaDriver();
    try {
      assertThat(5 * driver.statusMessageTimeoutNs())
          .isLessThanOrEqualTo(ctx.leaderHeartbeatTimeoutNs());
      assertThat(driver.timerIntervalNs()).isLessThanOrEqualTo(ctx.idleSleepNs());
    } finally {
      ClusterContext.closeDriverIdle(driver);
    }
  }

  @Test
  void shouldHandTheClusterMtuToTheDriverWithAeronsAsTheDefault() {
    assertThat(BrokerConfig.parse().clusterContext().mtuLength()).isEqualTo(1408);
    MediaDriver.Context driver =
        BrokerConfig.parse("--cluster-mtu=8192").clusterContext().mediaDriver();
    try {
      assertThat(driver.mtuLength()).isEqualTo(8192);
    } finally {
      ClusterContext.closeDriverIdle(driver);
    }
    assertThatThrownBy(() -> new ClusterContext().mtuLength(1410).conclude())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--cluster-mtu must be a multiple of 32 from 1024 to 8192, got 1410");
  }

  @Test
  void shouldNameTheDriversThreadAfterItsRoleNotItsDirectory() throws InterruptedException {
    MediaDriver.Context driver = new ClusterContext().conclude().mediaDriver();
    try {
      AtomicReference<String> named = new AtomicReference<>();
      Thread thread =
          driver.sharedThreadFactory().newThread(() -> named.set(Thread.currentThread().getName()));
      thread.setName("/tmp/aeron-member-0"); // what Aeron's AgentRunner names it before it starts
      thread.start();
      thread.join();
      assertThat(named.get()).isEqualTo("ringchat-driver");
    } finally {
      ClusterContext.closeDriverIdle(driver);
    }
  }

  @Test
  void shouldRefuseToStartPartsFromAContextThatWasNotConcluded() {
    assertThatThrownBy(
            () ->
                ClusterLink.connect(
                    new ClusterContext(), null, null, null, null, null, null, null, null, null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not concluded");
  }

  @Test
  void shouldGiveEachMediaDriverOneMebibyteOfCountersUnlessTheOperatorSetAnother() {
    String property = io.aeron.driver.Configuration.COUNTERS_VALUES_BUFFER_LENGTH_PROP_NAME;
    String before = System.getProperty(property);
    try {
      System.clearProperty(property);
      new ClusterContext().conclude().mediaDriver();
      assertThat(System.getProperty(property)).isEqualTo("1048576");
      System.setProperty(property, "8m");
      new ClusterContext().conclude().mediaDriver();
      assertThat(System.getProperty(property)).as("the operator's wins").isEqualTo("8m");
    } finally {
      if (before == null) {
        System.clearProperty(property);
      } else {
        System.setProperty(property, before);
      }
    }
  }
}
