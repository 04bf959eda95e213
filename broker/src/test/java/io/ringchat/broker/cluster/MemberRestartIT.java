package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringchat.broker.Broker;
import io.ringchat.broker.BrokerConfig;
import io.ringchat.broker.ring.RoomObserver;
import io.ringchat.cli.Transport;
import io.ringchat.protocol.testing.FreeUdpPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member restarted in place (what a member that cannot replay its own log gets, {@code
 * StuckReplayDetector}) comes back from its files, with the room as its log left it, beside the
 * same driver and archive and in the same broker process: a one-member cluster in this JVM, so that
 * the test can ask for the restart. That the condition is found is {@code
 * StuckReplayDetectorTest}'s.
 */
@Timeout(120)
class MemberRestartIT {
  @TempDir Path dir;

  private Broker broker;
  private final List<Socket> sockets = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() throws Exception {
    for (Socket socket : sockets) {
      socket.close();
    }
    if (broker != null) {
      broker.stop();
    }
  }

  @Test
  void shouldComeBackWithTheRoomItsLogHeldAndServeAgain() throws Exception {
    int base = FreeUdpPorts.bases(1)[0];
    broker =
        Broker.start(
            BrokerConfig.parse(
                new String[] {
                  "--bind=127.0.0.1",
                  "--port=0",
                  "--http-port=0",
                  "--cluster-id=0",
                  "--cluster-members=127.0.0.1:" + base,
                  "--cluster-dir=" + dir.resolve("member")
                }),
            Transport.best(),
            RoomObserver.NONE);
    awaitHealthy();
    Client alice = join("alice", "");
    Client bob = join("bob", "");
    alice.send("SEND before");
    assertThat(bob.readUntil("MSG ")).isEqualTo("MSG alice before");

    // What the consensus module's error handler gets from a member that cannot replay its own log,
    // three times: the detector behind Aeron's own handler asks the node for the restart.
    for (int i = 0; i < StuckReplayDetector.REFUSALS; i++) {
      broker.clusterNode().consensusErrorHandler().onError(StuckReplayDetectorTest.refusedReplay());
    }

    awaitMetric("ringchat_cluster_member_restarts_total 1.0");
    awaitHealthy();
    // The new room replayed the log: its history holds what was said before the restart.
    Client carol = join("carol", " HISTORY 10");
    assertThat(carol.readUntil("POST ")).startsWith("POST 1 ").endsWith(" alice before");
    assertThat(carol.readUntil("REPLAYED ")).isEqualTo("REPLAYED 1");
    Client dave = join("dave", "");
    carol.send("SEND after");
    assertThat(carol.readUntil("SENT ")).startsWith("SENT 2 ");
    assertThat(dave.readUntil("MSG ")).isEqualTo("MSG carol after");
  }

  /**
   * A connection that joined as {@code name} (with {@code how}: "" or " HISTORY n"). A one-member
   * cluster's restart is a leader change, after which the broker may give up its session (and close
   * its connections with {@code ERR unavailable}) a moment after it looked healthy: a connection
   * closed before its {@code WELCOME} connects again, as a client does.
   */
  private Client join(String name, String how) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      Socket socket = new Socket();
      sockets.add(socket);
      socket.connect(broker.address(), 5_000);
      socket.setSoTimeout(20_000);
      Client client = new Client(socket);
      client.send("JOIN " + name + how);
      String answer = client.readUntil("");
      if (answer != null && answer.startsWith("WELCOME " + name + " ")) {
        return client;
      }
      if (answer != null) {
        assertThat(answer).as("the answer to a JOIN").startsWith("ERR unavailable ");
      }
      assertThat(System.nanoTime() - end).as("joined within 30 s").isNegative();
      socket.close();
      Thread.sleep(200);
    }
  }

  private void awaitHealthy() throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (broker.unhealthy() != null) {
      assertThat(System.nanoTime() - end).as("healthy within 60 s").isNegative();
      Thread.sleep(50);
    }
  }

  private void awaitMetric(String line) throws Exception {
    InetSocketAddress at = broker.httpAddress();
    URI metrics = URI.create("http://127.0.0.1:" + at.getPort() + "/metrics");
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      String body =
          http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
              .body();
      if (body.contains("\n" + line + "\n")) {
        return;
      }
      assertThat(System.nanoTime() - end)
          .as("%s within 60 s; /metrics said:%n%s", line, body)
          .isNegative();
      Thread.sleep(100);
    }
  }

  private static final class Client {
    private final BufferedReader in;
    private final OutputStream out;

    Client(Socket socket) throws IOException {
      this.in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      this.out = socket.getOutputStream();
    }

    void send(String line) throws IOException {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    /**
     * The next line that starts with {@code prefix}, skipping others (presence, ...), or null if
     * the broker closed the connection first.
     */
    String readUntil(String prefix) throws IOException {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith(prefix)) {
          return line;
        }
      }
      return null;
    }
  }
}
