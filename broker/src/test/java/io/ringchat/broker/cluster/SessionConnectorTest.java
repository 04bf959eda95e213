package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.ringchat.protocol.testing.FreeUdpPorts;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member's broker asks the cluster for its first session only once its own member knows a leader:
 * a request sent during the election is held by the members until it ends, and one taken just after
 * the broker gave up on it leaves the leader a session nobody uses.
 */
class SessionConnectorTest {
  @Test
  void shouldSendNothingToTheMembersUntilItsMemberKnowsALeader(@TempDir Path dir) throws Exception {
    try (Member member = new Member(dir)) {
      AtomicBoolean leaderKnown = new AtomicBoolean();
      CompletableFuture<RuntimeException> connecting = member.connect(4, leaderKnown::get);

      member.ingress.setSoTimeout(1_000); // without the wait, the first frame came after 74 ms
      assertThatThrownBy(member::receive)
          .as("nothing sent while the member knows no leader")
          .isInstanceOf(SocketTimeoutException.class);

      leaderKnown.set(true);
      member.ingress.setSoTimeout(5_000);
      member.receive(); // the session request's publication begins (Aeron's setup frame)
      // Nobody answers: the connect gives up at its timeout, in one line.
      assertThat(connecting.get(20, TimeUnit.SECONDS))
          .hasMessageStartingWith(
              "no cluster leader reachable at 0=127.0.0.1:" + member.base + " within 4000 ms");
    }
  }

  @Test
  void shouldAskAnywayOnceHalfTheConnectTimeoutPassed(@TempDir Path dir) throws Exception {
    // A member stuck in its election must not keep its broker from a leader it can reach.
    try (Member member = new Member(dir)) {
      CompletableFuture<RuntimeException> connecting = member.connect(2, () -> false);
      member.ingress.setSoTimeout(5_000);
      member.receive();
      assertThat(connecting.get(20, TimeUnit.SECONDS)).hasMessageStartingWith("no cluster leader");
    }
  }

  /** A media driver for the broker, and the one member's ingress port, bound by the test. */
  private static final class Member implements AutoCloseable {
    final int base = FreeUdpPorts.bases(1)[0];
    final DatagramSocket ingress;
    final MediaDriver driver;
    private SessionConnector connector;

    Member(Path dir) throws IOException {
      ingress = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), base));
      driver =
          MediaDriver.launch(
              new MediaDriver.Context()
                  .aeronDirectoryName(dir.resolve("aeron").toString())
                  .threadingMode(ThreadingMode.SHARED)
                  .dirDeleteOnShutdown(true));
    }

    /** The broker's first connect, on another thread: what it threw (null: connected). */
    CompletableFuture<RuntimeException> connect(int timeoutSeconds, BooleanSupplier leaderKnown) {
      ClusterContext ctx =
          new ClusterContext()
              .connectTimeoutNs(TimeUnit.SECONDS.toNanos(timeoutSeconds))
              .conclude();
      connector =
          new SessionConnector(
              ctx,
              ClusterMembers.parse("127.0.0.1:" + base),
              driver.aeronDirectoryName(),
              "127.0.0.1",
              (sessionId, timestamp, buffer, offset, length, header) -> {});
      return CompletableFuture.supplyAsync(
          () -> {
            try {
              connector.connect(leaderKnown);
              return null;
            } catch (RuntimeException e) {
              return e;
            }
          });
    }

    /** The next datagram that reaches the member's ingress port. */
    DatagramPacket receive() throws IOException {
      DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
      ingress.receive(packet);
      return packet;
    }

    @Override
    public void close() {
      CloseHelper.closeAll(connector, driver, ingress);
    }
  }
}
