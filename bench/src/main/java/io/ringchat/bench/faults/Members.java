package io.ringchat.bench.faults;

import io.aeron.CncFileDescriptor;
import io.ringchat.protocol.testing.BrokerReady;
import io.ringchat.protocol.testing.FloodControl;
import io.ringchat.protocol.testing.FreeUdpPorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.status.CountersReader;

/**
 * The cluster's member processes: broker jars started with {@code --cluster-id}, each with its own
 * directory, log and {@code --ready-file}, which is how their ports and roles are found. They are
 * killed (SIGKILL), stopped (SIGTERM), paused (SIGSTOP) and resumed (SIGCONT), cut off and healed,
 * and restarted with their directories, as an operator's machines would be.
 *
 * <p>The run's thread (the nemesis); {@link #chatAddress} and {@link #leader} from any thread.
 */
final class Members implements AutoCloseable {
  /** How long a started member may take to serve chat (it needs a leader first). */
  static final long START_TIMEOUT_MILLIS = 60_000;

  private final Path jar;
  private final Path dir;
  private final Network network;
  private final List<String> extraFlags;
  private final String members;
  private final Process[] processes;
  private final int[] chatPorts;
  private final boolean[] paused;
  private final boolean[] cut;

  /** When the members were made: the zero of the logs' times. */
  private final long madeNanos;

  /**
   * @param startNanos the run's zero, for the times in the members' logs
   */
  Members(Path jar, Path dir, Network network, int size, List<String> extraFlags, long startNanos)
      throws IOException {
    this.jar = jar;
    this.dir = dir;
    this.network = network;
    this.extraFlags = List.copyOf(extraFlags);
    this.processes = new Process[size];
    this.chatPorts = new int[size];
    this.paused = new boolean[size];
    this.cut = new boolean[size];
    this.madeNanos = startNanos;
    int[] bases = FreeUdpPorts.bases(size);
    List<String> list = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      list.add(network.clusterHost(i) + ":" + bases[i]);
    }
    this.members = String.join(",", list);
  }

  int size() {
    return processes.length;
  }

  /** Starts every member at once and waits until each serves chat. */
  void startAll() throws IOException, InterruptedException {
    for (int i = 0; i < size(); i++) {
      launch(i);
    }
    for (int i = 0; i < size(); i++) {
      awaitReady(i);
    }
  }

  /** Starts member {@code i} again with its directory and waits until it serves chat. */
  void restart(int i) throws IOException, InterruptedException {
    launch(i);
    awaitReady(i);
  }

  private void launch(int i) throws IOException {
    Files.deleteIfExists(readyFile(i));
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-ea"); // the room's single-writer assertions, and the rest, hold in every member
    // The heap a member is documented to run with (docs/CLUSTER.md): a member that needs more
    // under faults fails here rather than in use.
    command.add("-Xmx96m");
    command.add("-XX:MaxDirectMemorySize=256m");
    command.add("-jar");
    command.add(jar.toAbsolutePath().toString());
    command.addAll(
        List.of(
            "--bind",
            network.chatHost(i),
            "--port",
            "" + chatPorts[i], // 0 the first time; the same port after that
            "--http-port",
            "0",
            "--cluster-id",
            "" + i,
            "--cluster-members",
            members,
            "--cluster-dir",
            dir.resolve("node-" + i).toString(),
            "--ready-file",
            readyFile(i).toString()));
    // The checker's senders go faster than a person (--rate, 50/s by default) and all its clients
    // share one address: flood control is not what this program tests, so it is off, by name.
    command.addAll(FloodControl.OFF);
    command.addAll(extraFlags);
    processes[i] = network.process(i, command).redirectErrorStream(true).start();
    paused[i] = false;
    copyWithTimes(processes[i], log(i));
  }

  /**
   * Copies a member's output into its log, each line stamped with the run's clock (seconds since
   * the members were made), so that the logs line up with the nemesis's lines.
   */
  private void copyWithTimes(Process process, Path log) {
    Thread copier =
        new Thread(
            () -> {
              try (var in =
                      new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  var out =
                      Files.newBufferedWriter(
                          log,
                          StandardCharsets.UTF_8,
                          StandardOpenOption.CREATE,
                          StandardOpenOption.APPEND)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  out.write(
                      String.format(
                          Locale.ROOT,
                          "%+9.3fs %s%n",
                          (System.nanoTime() - madeNanos) / 1e9,
                          line));
                  out.flush();
                }
              } catch (IOException e) {
                // the process is gone
              }
            },
            "faults-log-" + log.getFileName());
    copier.setDaemon(true);
    copier.start();
  }

  private void awaitReady(int i) throws InterruptedException {
    try {
      chatPorts[i] =
          BrokerReady.await(readyFile(i), processes[i], Duration.ofMillis(START_TIMEOUT_MILLIS))
              .chatPort();
    } catch (IllegalStateException e) { // it exited, or did not serve chat in time
      throw new MemberFailure("member " + i + ": " + e.getMessage() + ": " + lastLines(i));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A member that did not start: a liveness failure of the run. */
  static final class MemberFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MemberFailure(String message) {
      super(message);
    }
  }

  private BrokerReady ready(int i) {
    try {
      return BrokerReady.read(readyFile(i));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path readyFile(int i) {
    return dir.resolve("ready-" + i + ".json");
  }

  Path log(int i) {
    return dir.resolve("broker-" + i + ".log");
  }

  /** The last lines member {@code i} printed, for a report. */
  String lastLines(int i) {
    try {
      List<String> lines = Files.readAllLines(log(i), StandardCharsets.UTF_8);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(no log)";
    }
  }

  /** Whether member {@code i}'s process is alive (paused or cut off included). */
  boolean alive(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  /** Whether member {@code i} is alive, not paused and not cut off. */
  boolean serving(int i) {
    return alive(i) && !paused[i] && !cut[i];
  }

  /** Member {@code i}'s chat address, or null while its process is down. */
  InetSocketAddress chatAddress(int i) {
    return alive(i) && chatPorts[i] > 0
        ? new InetSocketAddress(network.chatHost(i), chatPorts[i])
        : null;
  }

  /** The serving member whose ready file says it leads; -1 if none does now. */
  int leader() {
    for (int i = 0; i < size(); i++) {
      BrokerReady ready = serving(i) ? ready(i) : null;
      if (ready != null && ready.pid() == processes[i].pid() && ready.role().equals("leader")) {
        return i;
      }
    }
    return -1;
  }

  /** SIGKILL: no goodbye to anyone. */
  void kill(int i) throws InterruptedException {
    processes[i].destroyForcibly();
    if (!processes[i].waitFor(10, TimeUnit.SECONDS)) {
      throw new MemberFailure("member " + i + " outlived SIGKILL by 10 s");
    }
  }

  /** SIGTERM, and waits for the graceful stop. */
  void stop(int i) throws InterruptedException {
    processes[i].destroy();
    if (!processes[i].waitFor(30, TimeUnit.SECONDS)) {
      processes[i].destroyForcibly();
      throw new MemberFailure("member " + i + " did not stop within 30 s of SIGTERM");
    }
  }

  /** SIGSTOP: the process is frozen, its sockets and timers with it. */
  void pause(int i) throws IOException, InterruptedException {
    signal(i, "STOP");
    paused[i] = true;
  }

  /** SIGCONT. */
  void resume(int i) throws IOException, InterruptedException {
    signal(i, "CONT");
    paused[i] = false;
  }

  private void signal(int i, String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, "" + processes[i].pid()).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + signal + " " + processes[i].pid() + " failed");
    }
  }

  /**
   * Writes member {@code i}'s thread dump (the JDK's jstack) to {@code file}, for a report on a
   * member that stopped serving.
   */
  void dumpThreads(int i, Path file) throws InterruptedException {
    if (!alive(i) || paused[i]) {
      return;
    }
    try {
      Process jstack =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                  "" + processes[i].pid())
              .redirectErrorStream(true)
              .redirectOutput(file.toFile())
              .start();
      if (!jstack.waitFor(20, TimeUnit.SECONDS)) {
        jstack.destroyForcibly();
      }
    } catch (IOException e) {
      // no jstack here: the report goes on without the dump
    }
  }

  /**
   * Writes the counters of member {@code i}'s media driver (publications, subscriptions, the
   * consensus module's), as Aeron's AeronStat would print them, to {@code file}.
   */
  void dumpCounters(int i, Path file) {
    Path cnc = dir.resolve("node-" + i).resolve("driver").resolve("cnc.dat");
    if (!alive(i) || !Files.exists(cnc)) {
      return;
    }
    MappedByteBuffer mapped = null;
    try (var out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      mapped = IoUtil.mapExistingFile(cnc.toFile(), "cnc");
      DirectBuffer meta = CncFileDescriptor.createMetaDataBuffer(mapped);
      CountersReader counters =
          new CountersReader(
              CncFileDescriptor.createCountersMetaDataBuffer(mapped, meta),
              CncFileDescriptor.createCountersValuesBuffer(mapped, meta));
      counters.forEach(
          (value, id, label) -> {
            try {
              out.write(String.format(Locale.ROOT, "%3d: %,20d - %s%n", id, value, label));
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (IOException | RuntimeException e) {
      // a member that is starting or stopping: no counters this time
    } finally {
      if (mapped != null) {
        IoUtil.unmap(mapped);
      }
    }
  }

  boolean canCut() {
    return network.canCut();
  }

  /** Member {@code i} is cut off from the others; its chat clients stay connected. */
  void cut(int i) throws IOException {
    network.cut(i);
    cut[i] = true;
  }

  void heal(int i) throws IOException {
    network.heal(i);
    cut[i] = false;
  }

  boolean paused(int i) {
    return paused[i];
  }

  boolean isCut(int i) {
    return cut[i];
  }

  /** Kills what is left (SIGKILL ends a paused process too). */
  @Override
  public void close() {
    for (int i = 0; i < size(); i++) {
      if (alive(i)) {
        processes[i].destroyForcibly();
      }
    }
    for (int i = 0; i < size(); i++) {
      if (processes[i] != null) {
        try {
          processes[i].waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** The directory everything is in. */
  Path dir() {
    return dir;
  }
}
