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
import java.net.InetAddress;
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

/**
 * A broker that is the one member of its cluster, in the test's JVM, so that a test can reach into
 * its member (its error handler, its media driver's sockets) and watch what the broker says: its
 * chat connections and its {@code /metrics}. Closing it closes the connections and the broker.
 */
final class OneMemberCluster implements AutoCloseable {
  private final Broker broker;
  private final int portBase;
  private final List<Socket> sockets = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  private OneMemberCluster(Broker broker, int portBase) {
    this.broker = broker;
    this.portBase = portBase;
  }

  /** Starts the member, its files under {@code dir}, and waits until it serves. */
  static OneMemberCluster start(Path dir) throws Exception {
    int base = FreeUdpPorts.bases(1)[0];
    Broker broker =
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
    OneMemberCluster cluster = new OneMemberCluster(broker, base);
    cluster.awaitHealthy();
    return cluster;
  }

  Broker broker() {
    return broker;
  }

  /**
   * Where the member's media driver takes one of its streams ({@link ClusterMembers#CONSENSUS}).
   */
  InetSocketAddress endpoint(int stream) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), portBase + stream);
  }

  @Override
  public void close() throws IOException {
    for (Socket socket : sockets) {
      socket.close();
    }
    try {
      broker.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while the broker stopped", e);
    }
  }

  /**
   * A connection that joined as {@code name} (with {@code how}: "" or " HISTORY n"). A one-member
   * cluster's restart is a leader change, after which the broker may give up its session (and close
   * its connections with {@code ERR unavailable}) a moment after it looked healthy: a connection
   * closed before its {@code WELCOME} connects again, as a client does.
   */
  Client join(String name, String how) throws Exception {
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

  void awaitHealthy() throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (broker.unhealthy() != null) {
      assertThat(System.nanoTime() - end).as("healthy within 60 s").isNegative();
      Thread.sleep(50);
    }
  }

  /** Waits until {@code /metrics} has {@code line} (a whole line, e.g. "name_total 1.0"). */
  void awaitMetric(String line) throws Exception {
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

  static final class Client {
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
