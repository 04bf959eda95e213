package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.aeron.cluster.ClusterTool;
import io.ringchat.protocol.testing.BrokerReady;
import io.ringchat.protocol.testing.FloodControl;
import io.ringchat.protocol.testing.FreeUdpPorts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * Three (or more) broker jars forming one clustered room on 127.0.0.1, each a process of its own
 * with its own chat port and cluster directory, started, killed (SIGKILL) and restarted as the
 * acceptance tests would. Closing kills what is left.
 */
final class BrokerCluster implements AutoCloseable {
  private static final Path JAR = Path.of("target", "ringchat-broker.jar");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Path dir;
  private final String members;
  private final Process[] processes;
  private final int[] ports;
  private final int[] httpPorts;

  private final List<String> extra;
  private final Layout layout;
  private Process frontEnd;

  /**
   * Where each member lives: the host its cluster ports are on, the address its chat port binds,
   * how its process is started (e.g. inside a network namespace), and options for its JVM.
   */
  interface Layout {
    String clusterHost(int member);

    String chatBind(int member);

    default ProcessBuilder process(int member, List<String> command) {
      return new ProcessBuilder(command);
    }

    default List<String> jvmOptions() {
      return List.of();
    }
  }

  /** Every member on 127.0.0.1, started as a plain process. */
  private static final Layout LOOPBACK =
      new Layout() {
        @Override
        public String clusterHost(int member) {
          return "127.0.0.1";
        }

        @Override
        public String chatBind(int member) {
          return "127.0.0.1";
        }
      };

  private BrokerCluster(Path dir, String members, int size, List<String> extra, Layout layout) {
    this.dir = dir;
    this.members = members;
    this.extra = extra;
    this.layout = layout;
    this.processes = new Process[size];
    this.ports = new int[size];
    this.httpPorts = new int[size];
  }

  /**
   * Starts {@code size} members and waits until every one is settled (see {@link #awaitSettled}): a
   * case's first fault then strikes a room whose every member holds the log.
   */
  static BrokerCluster start(Path dir, int size, String... extraFlags) throws Exception {
    return start(dir, size, LOOPBACK, extraFlags);
  }

  /** As above, each member where {@code layout} puts it. */
  static BrokerCluster start(Path dir, int size, Layout layout, String... extraFlags)
      throws Exception {
    assertThat(JAR).as("run 'mvn package' first: the shaded jar").exists();
    List<String> bases = new ArrayList<>();
    int[] free = FreeUdpPorts.bases(size);
    for (int i = 0; i < size; i++) {
      bases.add(layout.clusterHost(i) + ":" + free[i]);
    }
    BrokerCluster cluster =
        new BrokerCluster(dir, String.join(",", bases), size, List.of(extraFlags), layout);
    for (int i = 0; i < size; i++) {
      cluster.launch(i, 0);
    }
    for (int i = 0; i < size; i++) {
      cluster.awaitReady(i);
    }
    cluster.awaitSettled(Duration.ofSeconds(60));
    return cluster;
  }

  private void launch(int i, int chatPort) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(layout.jvmOptions());
    command.add("-jar");
    command.add(JAR.toAbsolutePath().toString());
    command.addAll(
        List.of(
            "--bind",
            layout.chatBind(i),
            "--port",
            "" + chatPort,
            "--http-port",
            "0",
            // the test reads /metrics from outside a member's network namespace too (awaitSettled)
            "--metrics-allow",
            "0.0.0.0/0,::/0",
            "--cluster-id",
            "" + i,
            "--cluster-members",
            members,
            "--cluster-dir",
            dir.resolve("node-" + i).toString(),
            "--ready-file",
            readyFile(i).toString()));
    // The cluster tests send bursts from 127.0.0.1 to check order and failover, not flood control.
    command.addAll(FloodControl.OFF);
    command.addAll(extra);
    processes[i] =
        layout
            .process(i, command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log(i).toFile()))
            .start();
  }

  /**
   * The events and errors member {@code i}'s consensus module has recorded in its mark file (for
   * one, why each election began), as Aeron's cluster tool prints them.
   */
  String consensusEvents(int i) {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8)) {
      ClusterTool.errors(out, dir.resolve("node-" + i).resolve("cluster").toFile());
    }
    return text.toString(StandardCharsets.UTF_8);
  }

  Path log(int i) {
    return dir.resolve("broker-" + i + ".out");
  }

  String output(int i) throws IOException {
    return Files.exists(log(i)) ? Files.readString(log(i), StandardCharsets.UTF_8) : "";
  }

  /** Member {@code i}'s process id. */
  public long pid(int i) {
    return processes[i].pid();
  }

  private Path readyFile(int i) {
    return dir.resolve("ready-" + i + ".json");
  }

  /** Member {@code i}'s ready file (its ports and role), if it names its current process. */
  private BrokerReady ready(int i) {
    try {
      BrokerReady ready = BrokerReady.read(readyFile(i));
      return ready != null && ready.pid() == processes[i].pid() ? ready : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until member {@code i}'s ready file names its process (it serves chat then). */
  private void awaitReady(int i) throws IOException, InterruptedException {
    BrokerReady ready = BrokerReady.await(readyFile(i), processes[i], Duration.ofSeconds(60));
    ports[i] = ready.chatPort();
    httpPorts[i] = ready.httpPort();
  }

  InetSocketAddress address(int i) {
    return new InetSocketAddress(layout.chatBind(i), ports[i]);
  }

  /** Member {@code i}'s HTTP port: /healthz, /metrics. */
  InetSocketAddress httpAddress(int i) {
    return new InetSocketAddress(layout.chatBind(i), httpPorts[i]);
  }

  int size() {
    return processes.length;
  }

  /** The live member whose ready file says it leads; -1 if none does yet. */
  int leader() {
    for (int i = 0; i < processes.length; i++) {
      BrokerReady ready = processes[i] != null && processes[i].isAlive() ? ready(i) : null;
      if (ready != null && ready.role().equals("leader")) {
        return i;
      }
    }
    return -1;
  }

  /** Waits until some member says it leads, for up to {@code within}; returns that member. */
  int awaitLeader(Duration within) {
    return Awaitility.await().atMost(within).until(this::leader, leader -> leader >= 0);
  }

  /**
   * Waits until every live member is settled: its broker says 200 on {@code /healthz} (it has a
   * leader and a session), its own member is not electing, and not catching up with the leader
   * ({@code ringchat_cluster_catching_up 0}: its broker serves meanwhile). A leader exists as soon
   * as it won its ballot, and serves once one follower has joined its log; the other may still be
   * joining then (one that came to the log too late starts its election again, a second or more on
   * a loaded machine). Until it is done the room stands on two members, and a fault to either is a
   * second fault: Raft then rightly stops ordering.
   */
  void awaitSettled(Duration within) {
    Awaitility.await()
        .atMost(within)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              for (int i = 0; i < processes.length; i++) {
                if (processes[i] != null && processes[i].isAlive() && !healthy(i)) {
                  return false;
                }
              }
              return true;
            });
  }

  /**
   * Whether member {@code i}'s broker says 200 on {@code /healthz}, and its member holds the log.
   */
  private boolean healthy(int i) throws InterruptedException {
    try {
      return get(httpAddress(i), "/healthz").statusCode() == 200
          && get(httpAddress(i), "/metrics").body().contains("\nringchat_cluster_catching_up 0");
    } catch (IOException e) {
      return false; // not listening yet, or stopping
    }
  }

  /** A GET of {@code path} on a broker's HTTP port. */
  static HttpResponse<String> get(InetSocketAddress address, String path)
      throws IOException, InterruptedException {
    URI uri = URI.create("http://" + address.getHostString() + ":" + address.getPort() + path);
    return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Whether {@link #startFrontEnd} has started one (each is a session of the cluster). */
  boolean hasFrontEnd() {
    return frontEnd != null;
  }

  /** Starts a front-end only (no --cluster-id): it serves chat as a client of the cluster. */
  InetSocketAddress startFrontEnd() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-jar", JAR.toString(), "--bind", "127.0.0.1", "--port", "0"));
    Path ready = dir.resolve("ready-front-end.json");
    command.addAll(List.of("--http-port", "0", "--cluster-members", members));
    command.addAll(List.of("--ready-file", ready.toString()));
    command.addAll(FloodControl.OFF);
    Path log = dir.resolve("front-end.out");
    frontEnd =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    BrokerReady found;
    try {
      found = BrokerReady.await(ready, frontEnd, Duration.ofSeconds(60));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    assertThat(found.role()).isEqualTo("front-end");
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), found.chatPort());
  }

  /** SIGTERM: a graceful stop. */
  void stop(int i) throws InterruptedException {
    processes[i].toHandle().destroy();
    processes[i].waitFor(20, TimeUnit.SECONDS);
  }

  /** SIGKILL: no goodbye to anyone. */
  void kill(int i) throws InterruptedException {
    processes[i].destroyForcibly();
    processes[i].waitFor(10, TimeUnit.SECONDS);
  }

  /** Starts member {@code i} again on its chat port, with its directory; waits until it serves. */
  void restart(int i) throws IOException, InterruptedException {
    launch(i, ports[i]);
    awaitReady(i);
  }

  @Override
  public void close() {
    if (frontEnd != null) {
      frontEnd.destroyForcibly();
    }
    for (Process p : processes) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    for (Process p : processes) {
      if (p != null) {
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }
}
