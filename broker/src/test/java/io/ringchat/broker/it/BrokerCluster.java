package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.aeron.cluster.ClusterTool;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * Three (or more) broker jars forming one clustered room on 127.0.0.1, each a process of its own
 * with its own chat port and cluster directory, started, killed (SIGKILL) and restarted as the
 * acceptance tests would. Closing kills what is left.
 */
final class BrokerCluster implements AutoCloseable {
  private static final Path JAR = Path.of("target", "ringchat-broker.jar");
  private static final Pattern LISTENING = Pattern.compile("listening on [^:]+:(\\d+) ");

  private final Path dir;
  private final String members;
  private final Process[] processes;
  private final int[] ports;

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
  }

  /** Starts {@code size} members and waits until each serves chat (a leader exists). */
  static BrokerCluster start(Path dir, int size, String... extraFlags) throws Exception {
    return start(dir, size, LOOPBACK, extraFlags);
  }

  /** As above, each member where {@code layout} puts it. */
  static BrokerCluster start(Path dir, int size, Layout layout, String... extraFlags)
      throws Exception {
    assertThat(JAR).as("run 'mvn package' first: the shaded jar").exists();
    List<String> bases = new ArrayList<>();
    int[] free = freeBases(size);
    for (int i = 0; i < size; i++) {
      bases.add(layout.clusterHost(i) + ":" + free[i]);
    }
    BrokerCluster cluster =
        new BrokerCluster(dir, String.join(",", bases), size, List.of(extraFlags), layout);
    for (int i = 0; i < size; i++) {
      cluster.launch(i, 0);
    }
    for (int i = 0; i < size; i++) {
      cluster.ports[i] = cluster.awaitChatPort(i);
    }
    return cluster;
  }

  /** Bases 100 apart whose five UDP ports are free now. */
  private static int[] freeBases(int size) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int first = 20_000 + 100 * ThreadLocalRandom.current().nextInt(0, 300);
      int[] bases = new int[size];
      boolean free = true;
      for (int i = 0; i < size && free; i++) {
        bases[i] = first + 100 * i;
        for (int p = 0; p < 5 && free; p++) {
          free = udpFree(bases[i] + p);
        }
      }
      if (free) {
        return bases;
      }
    }
    throw new IOException("no free UDP port range for a cluster");
  }

  private static boolean udpFree(int port) {
    try (DatagramSocket s = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
      return s.isBound();
    } catch (IOException e) {
      return false;
    }
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
            "--cluster-id",
            "" + i,
            "--cluster-members",
            members,
            "--cluster-dir",
            dir.resolve("node-" + i).toString()));
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

  /** Waits for member {@code i}'s listening line (it prints it once it is in the cluster). */
  private int awaitChatPort(int i) {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> LISTENING.matcher(output(i)).find());
    try {
      Matcher m = LISTENING.matcher(output(i));
      assertThat(m.find()).isTrue();
      return Integer.parseInt(m.group(1));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  InetSocketAddress address(int i) {
    return new InetSocketAddress(layout.chatBind(i), ports[i]);
  }

  int size() {
    return processes.length;
  }

  /** The member whose latest role line says leader, among the live ones; -1 if none yet. */
  int leader() throws IOException {
    for (int i = 0; i < processes.length; i++) {
      if (processes[i] != null && processes[i].isAlive()) {
        String out = output(i);
        int lastLeader = out.lastIndexOf("cluster role: leader");
        int lastFollower = out.lastIndexOf("cluster role: follower");
        if (lastLeader >= 0 && lastLeader > lastFollower) {
          return i;
        }
      }
    }
    return -1;
  }

  /** Waits until some member says it leads, for up to {@code within}; returns that member. */
  int awaitLeader(Duration within) {
    return Awaitility.await().atMost(within).until(this::leader, leader -> leader >= 0);
  }

  /** Starts a front-end only (no --cluster-id): it serves chat as a client of the cluster. */
  InetSocketAddress startFrontEnd() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-jar", JAR.toString(), "--bind", "127.0.0.1", "--port", "0"));
    command.addAll(List.of("--http-port", "0", "--cluster-members", members));
    Path log = dir.resolve("front-end.out");
    frontEnd =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8)).find());
    Matcher m = LISTENING.matcher(Files.readString(log, StandardCharsets.UTF_8));
    assertThat(m.find()).isTrue();
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(m.group(1)));
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
  void restart(int i) throws IOException {
    long before = starts(i);
    launch(i, ports[i]);
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> starts(i) > before);
  }

  private long starts(int i) throws IOException {
    return output(i).lines().filter(l -> l.contains("ringchat broker listening on")).count();
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
