package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import io.ringchat.protocol.testing.NetNamespace;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A member whose host vanishes (its end of the link goes down: no FIN, no RST) is noticed by TCP
 * keepalive and removed: LEFT to the others, its name free, counted as a dead peer. The member runs
 * in a network namespace of its own (bash's /dev/tcp, so nothing but iproute2 and bash is needed);
 * with {@code --keepalive 1s} it must be gone within the keepalive's bound of 4 s (the assertion
 * allows 20 s more: machines are shared). {@code -Dvanish.keepalive=30s} runs it with another
 * keepalive, the default for one, to measure it (docs/BENCHMARKS.md, "Vanished peers").
 */
class VanishedPeerIT {
  private static final String KEEPALIVE = System.getProperty("vanish.keepalive", "1s");

  private NetNamespace ns;
  private RunningBroker broker;
  private Process ghost;

  @BeforeEach
  void start() throws InterruptedException {
    try {
      ns = NetNamespace.create();
    } catch (IllegalStateException e) {
      abort("skipped: needs root for ip netns and veth; " + e.getMessage());
    }
    broker = RunningBroker.start("--bind=0.0.0.0", "--keepalive=" + KEEPALIVE);
  }

  @AfterEach
  void stop() {
    if (ghost != null) {
      ghost.destroyForcibly();
    }
    if (broker != null) {
      broker.close();
    }
    if (ns != null) {
      ns.close();
    }
  }

  @Test
  void shouldRemoveAnIdleMemberWhoseHostVanished() throws Exception {
    try (LineClient watcher = LineClient.joined(local(), "watcher")) {
      joinGhost(watcher);

      ns.vanish();
      long vanished = System.nanoTime();

      assertThat(watcher.readUntil("LEFT ")).isEqualTo("LEFT ghost");
      report("idle", vanished);
      assertNameFree();
    }
  }

  @Test
  void shouldRemoveAMemberWhoseHostVanishedWhileMessagesFlowToIt() throws Exception {
    ScheduledExecutorService talk = Executors.newSingleThreadScheduledExecutor();
    try (LineClient watcher = LineClient.joined(local(), "watcher");
        LineClient talker = LineClient.joined(local(), "talker")) {
      joinGhost(watcher);

      ns.vanish();
      long vanished = System.nanoTime();
      var unused =
          talk.scheduleAtFixedRate(
              () -> {
                try {
                  talker.send("SEND still there?");
                } catch (IOException e) {
                  // the test ends or fails on the watcher's side
                }
              },
              0,
              100,
              TimeUnit.MILLISECONDS);

      assertThat(watcher.readUntil("LEFT ")).isEqualTo("LEFT ghost");
      report("with messages flowing", vanished);
      assertNameFree();
    } finally {
      talk.shutdownNow();
    }
  }

  /** A member in the namespace, joined as ghost, seen joining by the watcher. */
  private void joinGhost(LineClient watcher) throws IOException {
    // The watcher waits in silence for as long as the keepalive may take, and some.
    watcher.socket.setSoTimeout((int) bound().toMillis());
    String script =
        "exec 3<>/dev/tcp/"
            + ns.hostAddress()
            + "/"
            + broker.address().getPort()
            + " && printf 'JOIN ghost\\n' >&3 && sleep 600";
    ghost = ns.processInside("bash", "-c", script).start();
    assertThat(watcher.readUntil("JOINED ghost")).isEqualTo("JOINED ghost");
  }

  private void report(String how, long vanishedNanos) {
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - vanishedNanos);
    System.out.println(
        "vanished peer ("
            + how
            + ", --keepalive "
            + KEEPALIVE
            + ") removed after "
            + millis
            + " ms");
    assertThat(Duration.ofMillis(millis)).isLessThan(bound());
    assertThat(broker.broker.counters().deadPeers()).isEqualTo(1);
  }

  /** The keepalive's bound, and 20 s for a shared machine. */
  private Duration bound() {
    return broker.broker.config().keepAlive().detectionTime().plus(Duration.ofSeconds(20));
  }

  private void assertNameFree() throws IOException {
    try (LineClient again = LineClient.joined(local(), "ghost")) {
      assertThat(again).isNotNull();
    }
  }

  private InetSocketAddress local() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), broker.address().getPort());
  }
}
