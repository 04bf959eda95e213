package io.ringchat.bench.faults;

import io.ringchat.cli.CommandLines;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code scripts/cluster-faults.sh}: runs three broker processes as one clustered room with clients
 * on every broker, injects faults on a schedule drawn from a seed (or one of the fixed sequences),
 * and checks from what every client saw that nothing accepted was lost, duplicated or reordered and
 * that the room served again after each fault. Prints the seed first, one line per fault, then the
 * counts; exits 1 on any violation.
 */
@Command(
    name = "cluster-faults",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "Fault-schedule test of a clustered room: SIGKILL and restart, rolling restarts (SIGTERM),"
            + " SIGSTOP 0.5-8 s and partitions (network namespaces, where root can make them), with"
            + " clients sending and reading on every broker; then a check of what every client saw."
            + " Exit 1 on any lost, duplicated or reordered message or liveness failure.")
public final class ClusterFaults implements Callable<Integer> {
  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      defaultValue = "60",
      description =
          "How long the random schedule injects faults (then it goes on until every member has"
              + " been killed while it led, unless --no-every-leader). Default: ${DEFAULT-VALUE}.")
  private long durationSeconds;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "The schedule's seed; printed either way. Default: a random one.")
  private Long seed;

  @Option(
      names = "--schedule",
      paramLabel = "NAME",
      defaultValue = "random",
      description =
          "random, or a fixed sequence: leader-kill, followers-then-leader,"
              + " follower-twice-then-leader, leader-kills (those three in a row),"
              + " rolling-restart, leader-pause, stale-leader-return (an old leader back from a"
              + " partition to a new leader whose follower lags, six times; needs netns)."
              + " Default: ${DEFAULT-VALUE}.")
  private String schedule;

  @Option(
      names = "--rate",
      paramLabel = "MSGS",
      defaultValue = "50",
      description = "Messages per second from each sender. Default: ${DEFAULT-VALUE}.")
  private int rate;

  @Option(
      names = "--senders",
      paramLabel = "N",
      defaultValue = "1",
      description = "Senders on each broker. Default: ${DEFAULT-VALUE}.")
  private int senders;

  @Option(
      names = "--readers",
      paramLabel = "N",
      defaultValue = "1",
      description = "Readers on each broker (senders read too). Default: ${DEFAULT-VALUE}.")
  private int readers;

  @Option(
      names = "--resumers",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Positioned members (protocol 1.1) starting on each broker: each drops its connection"
              + " every 2 to 6 s, and whenever it loses it, resumes on the next broker with SINCE;"
              + " checked for nothing missed without a GAP and nothing twice. Default:"
              + " ${DEFAULT-VALUE}.")
  private int resumers;

  @Option(
      names = "--partitions",
      paramLabel = "auto|on|off",
      defaultValue = "auto",
      description =
          "Cut members off in network namespaces: auto (where they can be made), on, off."
              + " Default: ${DEFAULT-VALUE}.")
  private String partitions;

  @Option(
      names = "--no-every-leader",
      description = "Stop at --duration even if some member was never killed while it led.")
  private boolean noEveryLeader;

  @Option(
      names = "--jar",
      paramLabel = "PATH",
      defaultValue = "broker/target/ringchat-broker.jar",
      description = "The broker jar. Default: ${DEFAULT-VALUE}.")
  private Path jar;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Where the members' directories and logs go (kept). Default: a new temporary directory,"
              + " deleted after a clean run.")
  private Path dir;

  @Option(
      names = "--broker-flag",
      paramLabel = "FLAG",
      description = "A flag for every broker, e.g. --broker-flag=--cluster-hold=3s (repeatable).")
  private List<String> brokerFlags = new ArrayList<>();

  public static void main(String[] args) {
    System.exit(CommandLines.of(new ClusterFaults()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    if (!Files.isRegularFile(jar)) {
      System.err.println(
          "cluster-faults: no broker jar at " + jar + "; run ./mvnw -B package -DskipTests first");
      return 2;
    }
    FaultRun.Partitions cuts;
    try {
      cuts = FaultRun.Partitions.valueOf(partitions.toUpperCase(Locale.ROOT));
      Schedule.named(schedule, 0, 0, false, false); // the name checked before anything starts
    } catch (IllegalArgumentException e) {
      System.err.println("cluster-faults: " + e.getMessage());
      return 2;
    }
    if (rate < 1 || senders < 0 || readers < 0 || resumers < 0 || durationSeconds < 0) {
      System.err.println("cluster-faults: --rate must be at least 1, the others 0 or more");
      return 2;
    }
    long used = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, 1_000_000_000);
    boolean temporary = dir == null;
    Path work = temporary ? Files.createTempDirectory("cluster-faults") : dir;
    Files.createDirectories(work);
    out.printf(
        Locale.ROOT,
        "cluster-faults: seed %d, schedule %s, duration %d s, %d sender(s) at %d msg/s and %d"
            + " reader(s) on each of 3 brokers, files in %s%n",
        used,
        schedule,
        durationSeconds,
        senders,
        rate,
        readers,
        work);
    out.printf(
        Locale.ROOT,
        "cluster-faults: rerun with scripts/cluster-faults.sh --schedule %s --duration %d --seed"
            + " %d%n",
        schedule,
        durationSeconds,
        used);
    out.flush();
    FaultRun.Report report =
        FaultRun.run(
            new FaultRun.Settings(
                schedule,
                durationSeconds * 1_000,
                used,
                rate,
                senders,
                readers,
                resumers,
                jar,
                work,
                cuts,
                !noEveryLeader,
                brokerFlags),
            out);
    FaultRun.print(report, out);
    if (report.violated()) {
      out.println("cluster-faults: the members' logs are in " + work);
      return 1;
    }
    if (temporary) {
      deleteTree(work);
    }
    return 0;
  }

  private static void deleteTree(Path root) throws java.io.IOException {
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
