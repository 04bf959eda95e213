package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringchat.protocol.testing.BrokerReady;
import io.ringchat.protocol.testing.FloodControl;
import io.ringchat.protocol.testing.FreeUdpPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker jar as a user runs it: start line, usage errors, port in use, SIGTERM. */
class BrokerProcessIT {
  private static final Path JAR = Path.of("target", "ringchat-broker.jar");

  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void killLeftovers() throws InterruptedException {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private Process broker(String... args) throws IOException {
    assertThat(JAR).as("run 'mvn package' first: the shaded jar").exists();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    processes.add(p);
    return p;
  }

  /**
   * Member 0 of {@code members} with its files in {@code clusterDir}, serving chat nowhere fixed.
   */
  private Process firstMember(String members, Path clusterDir, String... more) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--no-http",
                "--cluster-id",
                "0",
                "--cluster-members",
                members,
                "--cluster-dir",
                clusterDir.toString()));
    args.addAll(List.of(more));
    return broker(args.toArray(String[]::new));
  }

  /** What {@code p} printed on stderr, once it exited (within 30 s). */
  private static String stderrOnceExited(Process p) throws IOException, InterruptedException {
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  /** The chat port, from the broker's --ready-file {@code ready}. */
  private static int awaitPort(Path ready, Process broker) throws Exception {
    return BrokerReady.await(ready, broker, Duration.ofSeconds(30)).chatPort();
  }

  private static BufferedReader reader(java.io.InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  @TempDir Path dir;

  @Test
  void shouldDeliverInFlightMessagesThenExitZeroOnSigterm() throws Exception {
    Path ready = dir.resolve("ready.json");
    Process p = // 2000 lines in one burst: unthrottled, so that all are in the room before SIGTERM
        broker(
            FloodControl.off(
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--http-port",
                "0",
                "--ready-file",
                ready + ""));
    BufferedReader out = reader(p.getInputStream());
    int port = awaitPort(ready, p);
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    // Scripts find the ports and role in it, once the broker listens: its exact form.
    assertThat(Files.readString(ready, StandardCharsets.UTF_8))
        .matches(
            "\\{\"pid\":"
                + p.pid()
                + ",\"chat_port\":"
                + port
                + ",\"http_port\":[1-9][0-9]*,\"role\":\"single\"}\n");
    try (LineClient bob = LineClient.joined(address, "bob");
        LineClient alice = LineClient.joined(address, "alice")) {
      bob.readLine();
      alice.sendNumbered(2000);
      assertThat(alice.sync("sent")).isEmpty(); // all 2000 are in the room
      p.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its pipes

      List<String> lines = bob.readLines(2001);
      for (int i = 0; i < 2000; i++) {
        assertThat(lines.get(i)).isEqualTo("MSG alice " + i);
      }
      assertThat(lines.get(2000)).startsWith("ERR shutting_down ");
      assertThat(alice.readLine()).startsWith("ERR shutting_down ");
    }
    assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    StringBuilder rest = new StringBuilder();
    for (String line = out.readLine(); line != null; line = out.readLine()) {
      rest.append(line).append('\n');
    }
    assertThat(rest).contains("ringchat broker stopped").contains("stats ");
    assertThat(ready).as("a clean stop: nothing is ready any more").doesNotExist();
  }

  @Test
  void shouldRefuseAClusterDirectoryOfAnOlderFormatInOneLineAndExitOne() throws Exception {
    Path old = dir.resolve("old");
    Files.createDirectories(old.resolve("cluster"));
    Files.writeString(old.resolve("cluster").resolve("recording.log"), "");
    Process p = firstMember("127.0.0.1:29900", old);
    String err = stderrOnceExited(p);

    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(err.strip()).doesNotContain("\n").doesNotContain("Exception");
    assertThat(err)
        .startsWith("ringchat-broker: cannot join the cluster: --cluster-dir " + old)
        .contains("holds a cluster in format 1");
  }

  @Test
  void shouldGiveUpOnAClusterWithNoLeaderAfterTheConnectTimeoutInOneLineAndExitOne()
      throws Exception {
    // Member 0 of three, the other two never started: no majority, no leader.
    int[] bases = FreeUdpPorts.bases(3);
    Process p =
        firstMember(
            "127.0.0.1:" + bases[0] + ",127.0.0.1:" + bases[1] + ",127.0.0.1:" + bases[2],
            dir.resolve("node-0"),
            "--cluster-connect-timeout",
            "3s");
    String err = stderrOnceExited(p);

    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(err).doesNotContain("Exception");
    assertThat(err.strip().lines().reduce((first, second) -> second).orElse(""))
        .startsWith("ringchat-broker: cannot join the cluster: no cluster leader reachable at")
        .contains("within 3000 ms (--cluster-connect-timeout)");
  }

  @Test
  void shouldRefuseAReadyFileInADirectoryThatIsNotThere() throws Exception {
    Process p = broker("--ready-file", dir.resolve("missing").resolve("ready.json").toString());
    String err = stderrOnceExited(p);

    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(err).contains("--ready-file").contains("its directory does not exist");
  }

  @Test
  void shouldSayInOneLineThatThePortIsInUseAndExitOne() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      Process p = broker("--bind", "127.0.0.1", "--port", "" + taken.getLocalPort(), "--no-http");
      String err = stderrOnceExited(p);

      assertThat(p.exitValue()).isEqualTo(1);
      assertThat(err.strip()).doesNotContain("\n").doesNotContain("Exception");
      assertThat(err).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
      assertThat(err).contains("address already in use");
    }
  }

  @Test
  void shouldRefuseBadOptionWithUsageExitTwoAndNoStackTrace() throws Exception {
    Process p = broker("--ring-size", "1000");
    String err = stderrOnceExited(p);

    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(err).contains("--ring-size must be a power of two").doesNotContain("Exception");
  }

  @Test
  void shouldPrintHelpWithEveryOption() throws Exception {
    Process p = broker("--help");
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(p.exitValue()).isZero();
    assertThat(out)
        .contains("--bind", "--port", "--max-line", "--max-pending", "--max-clients")
        .contains("--join-timeout", "--presence-limit", "--ring-size", "--wait-strategy")
        .contains("--io-threads", "--shutdown-timeout", "--stats-interval", "--version");
  }

  @Test
  void shouldPrintStatsLineEveryInterval() throws Exception {
    Path ready = dir.resolve("ready.json");
    Process p =
        broker(
            "--bind",
            "127.0.0.1",
            "--port",
            "0",
            "--http-port",
            "0",
            "--stats-interval",
            "200ms",
            "--ready-file",
            ready.toString());
    BufferedReader out = reader(p.getInputStream());
    int port = awaitPort(ready, p);

    assertThat(out.readLine())
        .matches(
            "ringchat broker listening on 127\\.0\\.0\\.1:"
                + port
                + " \\(transport (epoll|nio).*, 1 I/O thread, ring 65536, wait park\\)");
    assertThat(out.readLine())
        .matches(
            "ringchat http at http://127\\.0\\.0\\.1:\\d+/ \\(chat page /, WebSocket /ws,"
                + " /metrics, /healthz\\)");
    String stats = out.readLine();
    assertThat(stats).startsWith("stats connections=0 ").contains(" deliveries=0 ", " errors={}");
    assertThat(out.readLine()).startsWith("stats ");
  }

  @Test
  void shouldSayOnceThatItIsOutOfFileDescriptorsAndKeepServing() throws Exception {
    // A shell lowers the broker's open-file limit, so that a handful of connections exhaust it.
    Process p =
        new ProcessBuilder(
                "bash",
                "-c",
                "ulimit -n 160 && exec \""
                    + Path.of(System.getProperty("java.home"), "bin", "java")
                    + "\" -jar "
                    + JAR
                    + " --bind 127.0.0.1 --port 0 --ready-file "
                    + dir.resolve("ready.json")
                    // 200 connections from 127.0.0.1: the address cap would refuse them first
                    + " "
                    + String.join(" ", FloodControl.OFF))
            .start();
    processes.add(p);
    InetSocketAddress address =
        new InetSocketAddress(
            InetAddress.getLoopbackAddress(), awaitPort(dir.resolve("ready.json"), p));
    List<java.net.Socket> flood = new ArrayList<>();
    try (LineClient member = LineClient.joined(address, "member")) {
      for (int i = 0; i < 200; i++) {
        java.net.Socket s = new java.net.Socket();
        s.connect(
            address, 2_000); // the kernel accepts into the backlog even when the broker cannot
        flood.add(s);
      }
      BufferedReader err = reader(p.getErrorStream());
      // Within a bound: a broker that never runs out (say, one refusing the connections first)
      // fails the test instead of hanging it.
      String line =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return err.readLine();
                    } catch (IOException e) {
                      throw new UncheckedIOException(e);
                    }
                  })
              .get(30, TimeUnit.SECONDS);
      assertThat(line).contains("cannot accept connections").contains("Too many open files");
      assertThat(line).contains("ulimit -n");
      assertThat(member.sync("still-served")).isEmpty();
      for (java.net.Socket s : flood) {
        s.close();
      }
      flood.clear();
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                try (LineClient late = LineClient.joined(address, "late")) {
                  late.send("LEAVE");
                }
              });
    } finally {
      for (java.net.Socket s : flood) {
        s.close();
      }
    }
  }

  @Test
  void shouldReadPortFromEnvironment() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            JAR.toString(),
            "--bind",
            "127.0.0.1",
            "--ready-file",
            dir.resolve("ready.json").toString());
    pb.environment().put("CHAT_PORT", "" + port);
    Process p = pb.start();
    processes.add(p);

    assertThat(awaitPort(dir.resolve("ready.json"), p)).isEqualTo(port);
  }

  static {
    // Fail early with a clear message when run from an IDE without the jar.
    if (!Files.exists(JAR)) {
      System.err.println("BrokerProcessIT needs " + JAR.toAbsolutePath() + " (mvn package)");
    }
  }
}
