package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.client.AeronCluster;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The member's threads sleep an hour here when idle: each test passes only if the sleeper is woken
 * (by work in the group, by a packet, by a client handing the driver something), and never sleeps
 * when work was done since it last looked. No spins or yields, so the first idle call sleeps.
 */
class WakeGroupTest {
  private static final long HOUR_NS = TimeUnit.HOURS.toNanos(1);
  private static final Duration WOKEN_WITHIN = Duration.ofSeconds(20);

  private final WakeGroup group = new WakeGroup();
  private final DriverIdleStrategy driver = new DriverIdleStrategy(group, 0, 0, HOUR_NS);

  @AfterEach
  void closeDriver() {
    driver.close();
  }

  @Test
  void shouldWakeASleepingAgentWhenAnotherDidWork() throws Exception {
    AgentIdleStrategy sleeper = new AgentIdleStrategy(group, WakeGroup.ROOM, 0, 0, HOUR_NS);
    AgentIdleStrategy worker = new AgentIdleStrategy(group, WakeGroup.ROOM, 0, 0, HOUR_NS);
    worker.idle(1); // registered on this thread

    Sleeping sleeping = Sleeping.start(() -> sleeper.idle(0), sleeper);
    worker.idle(1);

    assertTimeoutPreemptively(WOKEN_WITHIN, sleeping::join);
  }

  @Test
  void shouldWakeEverySleeperAndHaveItSleepBrieflyOnceTheMemberStops() throws Exception {
    // Closing a part waits until its thread sees that it must stop: a consensus module asleep for
    // the idle sleep closed (and ended its log, the followers' sign to elect) only when it ended.
    AgentIdleStrategy consensus =
        new AgentIdleStrategy(group, WakeGroup.CONSENSUS, 0, 0, HOUR_NS, group::urgent, 1_000_000);
    Sleeping sleeping = Sleeping.start(() -> consensus.idle(0), consensus);

    group.stopping(TimeUnit.MINUTES.toNanos(1));
    group.urgentFor(1); // the driver's, as the stopping leader's log ends: not a shorter moment

    assertTimeoutPreemptively(WOKEN_WITHIN, sleeping::join);
    assertThat(group.urgent()).isTrue();
    assertTimeoutPreemptively(
        WOKEN_WITHIN,
        () -> {
          for (int i = 0; i < 50; i++) {
            consensus.idle(0); // 1 ms each from now on, not an hour
          }
        });
  }

  @Test
  void shouldNotSleepWhenWorkWasDoneSinceItLastLooked() {
    AgentIdleStrategy sleeper = new AgentIdleStrategy(group, WakeGroup.ROOM, 0, 0, HOUR_NS);
    AgentIdleStrategy worker = new AgentIdleStrategy(group, WakeGroup.ROOM, 0, 0, HOUR_NS);
    worker.idle(1);
    sleeper.idle(1); // looked for work (and found some): it has seen the group's count so far

    worker.idle(1); // work that the sleeper's next look did not see...

    // ...so it does not sleep: no other thread is there to wake it.
    assertTimeoutPreemptively(WOKEN_WITHIN, () -> sleeper.idle(0));
  }

  @Test
  void shouldLetASleeperSleepWhenOnlyWorkForOthersWasDoneSinceItLastLooked() throws Exception {
    AgentIdleStrategy sleeper = new AgentIdleStrategy(group, WakeGroup.ROOM, 0, 0, HOUR_NS);
    CountDownLatch looked = new CountDownLatch(1);
    CountDownLatch go = new CountDownLatch(1);
    Thread thread =
        new Thread(
            () -> {
              sleeper.idle(1); // registered, and looked for work
              looked.countDown();
              try {
                go.await();
              } catch (InterruptedException e) {
                return;
              }
              sleeper.idle(0); // sleeps, or, if it may not, returns at once (no spins, no yields)
            },
            "sleeper");
    thread.setDaemon(true);
    thread.start();
    looked.await();
    group.toDriver(); // work for the driver alone, after the sleeper looked
    go.countDown();

    thread.join(500);
    assertThat(thread.isAlive()).as("asleep: work for others does not keep it awake").isTrue();
    group.workDone(null, WakeGroup.ROOM);
    assertTimeoutPreemptively(WOKEN_WITHIN, () -> thread.join());
  }

  @Test
  void shouldNotWakeTheLinkForAnAgentsWorkOnlyForTheDriversData() throws Exception {
    AgentIdleStrategy consensus = new AgentIdleStrategy(group, WakeGroup.CONSENSUS, 0, 0, HOUR_NS);
    DriverIdleStrategy member =
        new DriverIdleStrategy(
            group, 0, 0, HOUR_NS, () -> false, HOUR_NS, ClusterContext::readersOf);
    try {
      AgentIdleStrategy link = new AgentIdleStrategy(group, WakeGroup.LINK, 0, 0, HOUR_NS);
      consensus.idle(1);
      member.idle(1); // both registered, on this thread
      Sleeping linkSleeping = Sleeping.start(() -> link.idle(0), link);

      consensus.idle(1); // the consensus module appended to the log: nothing for the link
      assertThat(link.asleep()).as("not woken by an agent's work").isTrue();

      member.dataArrived(AeronCluster.Configuration.egressStreamId());
      member.idle(1);
      assertTimeoutPreemptively(WOKEN_WITHIN, linkSleeping::join);
    } finally {
      member.close();
    }
  }

  @Test
  void shouldWakeALinkThatAwaitsEgressForAnAgentsWork() throws Exception {
    AgentIdleStrategy consensus = new AgentIdleStrategy(group, WakeGroup.CONSENSUS, 0, 0, HOUR_NS);
    consensus.idle(1); // registered, on this thread
    AgentIdleStrategy link = new AgentIdleStrategy(group, WakeGroup.LINK, 0, 0, HOUR_NS);
    link.alsoWakenBy(WakeGroup.AGENT_WORK); // its ingress waits for an answer
    Sleeping linkSleeping = Sleeping.start(() -> link.idle(0), link);

    consensus.idle(1); // the answer is on its way

    assertTimeoutPreemptively(WOKEN_WITHIN, linkSleeping::join);
  }

  @Test
  void shouldWakeTheDriverWhenAPacketArrivesOnASocketItWatches() throws Exception {
    try (DatagramChannel socket = DatagramChannel.open();
        DatagramChannel sender = DatagramChannel.open()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      socket.configureBlocking(false);
      driver.watch(socket);

      Sleeping sleeping = Sleeping.start(() -> driver.idle(0), driver);
      sender.send(ByteBuffer.wrap(new byte[] {1}), socket.getLocalAddress());

      assertTimeoutPreemptively(WOKEN_WITHIN, sleeping::join);
    }
  }

  @Test
  void shouldWakeOnlyTheDriverWhenAClientHandsItSomethingToSend() throws Exception {
    AgentIdleStrategy agent = new AgentIdleStrategy(group, WakeGroup.ROOM, 0, 0, HOUR_NS);
    Sleeping agentSleeping = Sleeping.start(() -> agent.idle(0), agent);
    Sleeping driverSleeping = Sleeping.start(() -> driver.idle(0), driver);

    group.toDriver();

    assertTimeoutPreemptively(WOKEN_WITHIN, driverSleeping::join);
    assertThat(agent.asleep()).as("the agent was not woken").isTrue();
    group.workDone(null, WakeGroup.ALL); // let it go
    assertTimeoutPreemptively(WOKEN_WITHIN, agentSleeping::join);
  }

  @Test
  void shouldWakeTheAgentsOnlyWhenTheDriverReceivedData() throws Exception {
    AgentIdleStrategy agent = new AgentIdleStrategy(group, WakeGroup.ROOM, 0, 0, HOUR_NS);
    driver.idle(1); // registered, on this thread
    Sleeping sleeping = Sleeping.start(() -> agent.idle(0), agent);

    driver.idle(1); // a heartbeat sent or received: nothing for a reader
    assertThat(agent.asleep()).as("not woken by the driver's own work").isTrue();

    driver.dataArrived(7);
    driver.idle(1);

    assertTimeoutPreemptively(WOKEN_WITHIN, sleeping::join);
  }

  @Test
  void shouldWakeOnlyTheReadersOfTheStreamThatArrived() throws Exception {
    DriverIdleStrategy member =
        new DriverIdleStrategy(
            group, 0, 0, HOUR_NS, () -> false, HOUR_NS, ClusterContext::readersOf);
    try {
      AgentIdleStrategy archive = new AgentIdleStrategy(group, WakeGroup.ARCHIVE, 0, 0, HOUR_NS);
      AgentIdleStrategy room = new AgentIdleStrategy(group, WakeGroup.ROOM, 0, 0, HOUR_NS);
      member.idle(1); // registered, on this thread
      Sleeping archiveSleeping = Sleeping.start(() -> archive.idle(0), archive);
      Sleeping roomSleeping = Sleeping.start(() -> room.idle(0), room);

      member.dataArrived(AeronCluster.Configuration.egressStreamId()); // for the link alone
      member.idle(1);
      assertThat(archive.asleep()).isTrue();
      assertThat(room.asleep()).isTrue();

      member.dataArrived(ConsensusModule.Configuration.logStreamId()); // the archive and the room
      member.idle(1);
      assertTimeoutPreemptively(WOKEN_WITHIN, archiveSleeping::join);
      assertTimeoutPreemptively(WOKEN_WITHIN, roomSleeping::join);
    } finally {
      member.close();
    }
  }

  /** A thread that calls an idle strategy once, which is asleep once {@link #start} returns. */
  private static final class Sleeping {
    private final Thread thread;

    private Sleeping(Thread thread) {
      this.thread = thread;
    }

    static Sleeping start(Runnable idle, WakeGroup.Sleeper sleeper) throws InterruptedException {
      CountDownLatch started = new CountDownLatch(1);
      Thread thread =
          new Thread(
              () -> {
                started.countDown();
                idle.run();
              },
              "sleeper");
      thread.setDaemon(true); // a test that fails does not leave it behind
      thread.start();
      started.await();
      while (!sleeper.asleep()) {
        Thread.onSpinWait();
      }
      return new Sleeping(thread);
    }

    void join() throws InterruptedException {
      thread.join();
    }
  }
}
