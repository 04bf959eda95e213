package io.ringchat.broker.it;

import static io.ringchat.broker.it.BrokerCluster.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Three broker processes serving one room on Aeron Cluster, on 127.0.0.1, killed with SIGKILL as a
 * machine would fail: one order, names unique across brokers, a dead broker's members gone within 5
 * s, a restarted member catching up, what operators see ({@code /healthz}, {@code /metrics}). What
 * a leader's death costs the members on every broker is the fault-schedule test's ({@code
 * ClusterFaultsIT} in bench/, {@code scripts/cluster-faults.sh}).
 *
 * <p>Alone: three members share two cores, and it times how soon a dead broker is noticed.
 */
@Isolated
class ClusterIT {
  @TempDir Path dir;

  /**
   * One cluster for the cases that leave it whole (no kill, no stop, no options of their own),
   * started by the first of them: a cluster's start is most of such a case's time.
   */
  @TempDir static Path sharedDir;

  private static BrokerCluster shared;

  @RegisterExtension
  final ClusterLogsOnFailure logs =
      new ClusterLogsOnFailure().watch("test", () -> dir).watch("shared", () -> sharedDir);

  /** The shared cluster, once its room is empty again (the last case's members have left). */
  private static BrokerCluster sharedCluster() throws Exception {
    if (shared == null) {
      shared = BrokerCluster.start(sharedDir, 3);
    }
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () -> get(shared.httpAddress(0), "/metrics").body().contains("\nringchat_members 0"));
    return shared;
  }

  @AfterAll
  static void stopSharedCluster() {
    if (shared != null) {
      shared.close();
    }
  }

  @Test
  void shouldServeOneRoomInOneOrderAcrossThreeBrokers() throws Exception {
    BrokerCluster cluster = sharedCluster();
    try (LineClient alice = LineClient.joined(cluster.address(0), "alice");
        LineClient bob = LineClient.joined(cluster.address(1), "bob")) {
      assertThat(alice.readLine()).isEqualTo("JOINED bob");
      try (LineClient taken = new LineClient(cluster.address(2))) {
        taken.send("JOIN Alice");
        assertThat(taken.readLine()).startsWith("ERR name_taken ");
        taken.send("JOIN not a name");
        assertThat(taken.readLine()).startsWith("ERR bad_name ");
        taken.send("JOIN carol SINCE nocolon"); // positioned joins: ClusterHistoryIT
        assertThat(taken.readLine()).startsWith("ERR bad_command ");
        taken.send("PING token 1");
        assertThat(taken.readLine()).isEqualTo("PONG token 1");
        taken.send("PING");
        assertThat(taken.readLine()).isEqualTo("PONG");
        taken.send("JOIN carol");
        assertThat(taken.readLine()).isEqualTo("WELCOME carol 3");
        assertThat(alice.readLine()).isEqualTo("JOINED carol");
        assertThat(bob.readLine()).isEqualTo("JOINED carol");

        for (int i = 0; i < 50; i++) {
          alice.send("SEND a" + i);
          bob.send("SEND b" + i);
        }
        List<String> atCarol = taken.readLines(100);
        List<String> atAlice = alice.readLines(50);
        List<String> atBob = bob.readLines(50);
        // One order: each member sees the others' messages in the order carol sees them.
        assertThat(atAlice).containsExactlyElementsOf(only(atCarol, "MSG bob "));
        assertThat(atBob).containsExactlyElementsOf(only(atCarol, "MSG alice "));
        assertThat(only(atCarol, "MSG alice ")).hasSize(50);

        taken.send("WHO");
        assertThat(taken.readLines(4))
            .containsExactlyInAnyOrder("MEMBER alice", "MEMBER bob", "MEMBER carol", "MEMBERS 3");
      }
      assertThat(alice.readLine()).isEqualTo("LEFT carol");

      int leader = cluster.awaitLeader(Duration.ofSeconds(5));
      long roundTrips = 0;
      for (int i = 0; i < 3; i++) {
        assertThat(get(cluster.httpAddress(i), "/healthz").body()).isEqualTo("ok\n");
        String metrics = get(cluster.httpAddress(i), "/metrics").body();
        assertThat(metrics)
            .as("member %d's role", i)
            .contains("ringchat_cluster_role{role=\"leader\"} " + (i == leader ? "1" : "0"))
            .contains("ringchat_cluster_up 1")
            .containsPattern("ringchat_cluster_term \\d");
        // The egress the room keeps for each broker (a front-end an earlier case started on the
        // shared cluster is one too), on every member alike.
        assertThat(metrics.lines().filter(l -> l.startsWith("ringchat_cluster_egress_kept_bytes{")))
            .hasSize(3 + (cluster.hasFrontEnd() ? 1 : 0));
        roundTrips += assertHopsAddUp(metrics, i);
        if (HttpEndpointsIT.onPath("promtool")) { // .ci/run installs it; elsewhere this part skips
          HttpEndpointsIT.assertPromtoolAccepts(metrics);
        }
        if (Files.isDirectory(Path.of("/proc/self/task"))) { // Linux: threads by name
          assertThat(threadNames(cluster.pid(i)))
              .as("member %d: Aeron's clients run on the threads that use them, none on its own", i)
              .noneMatch(name -> name.startsWith("aeron-client"))
              .contains("consensus-modul");
        }
      }
      assertThat(roundTrips).as("round trips traced, all brokers").isPositive();
    }
  }

  /**
   * A broker's traced round trips: each hop took no negative time (the log's timestamps and the
   * brokers' clocks are one clock on one host, in nanoseconds), and the hops after the offer add up
   * to the round trip. Returns how many round trips the broker traced.
   */
  private static long assertHopsAddUp(String metrics, int member) {
    Map<String, Double> sums = new HashMap<>();
    Map<String, Double> counts = new HashMap<>();
    Matcher m =
        Pattern.compile(
                "^ringchat_cluster_round_trip_seconds_(sum|count)\\{hop=\"([a-z_]+)\"\\} (\\S+)$",
                Pattern.MULTILINE)
            .matcher(metrics);
    while (m.find()) {
      (m.group(1).equals("sum") ? sums : counts).put(m.group(2), Double.parseDouble(m.group(3)));
    }
    assertThat(sums.keySet())
        .as("member %d's hops", member)
        .containsExactlyInAnyOrder("offer", "to_leader", "commit", "room", "egress", "round_trip");
    assertThat(sums.values())
        .as("member %d: no hop took negative time", member)
        .allMatch(v -> v >= 0);
    double hops =
        sums.get("to_leader") + sums.get("commit") + sums.get("room") + sums.get("egress");
    assertThat(hops).isCloseTo(sums.get("round_trip"), within(1e-9));
    return counts.get("round_trip").longValue();
  }

  /** A process's thread names as Linux keeps them (their first 15 characters). */
  private static List<String> threadNames(long pid) throws IOException {
    Path tasks = Path.of("/proc", "" + pid, "task");
    List<String> names = new ArrayList<>();
    try (Stream<Path> threads = Files.list(tasks)) {
      for (Path thread : (Iterable<Path>) threads::iterator) {
        names.add(Files.readString(thread.resolve("comm")).strip());
      }
    }
    return names;
  }

  private static List<String> only(List<String> lines, String prefix) {
    return lines.stream().filter(l -> l.startsWith(prefix)).toList();
  }

  @Test
  void shouldGiveExactlyOneWelcomeToFiftySimultaneousJoinsAcrossBrokers() throws Exception {
    BrokerCluster cluster = sharedCluster();
    List<LineClient> clients = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        clients.add(new LineClient(cluster.address(i % 3)));
      }
      for (LineClient c : clients) {
        c.send("JOIN bob");
      }
      int welcomes = 0;
      for (LineClient c : clients) {
        String reply = c.readLine();
        if (reply.startsWith("WELCOME bob ")) {
          welcomes++;
        } else {
          assertThat(reply).startsWith("ERR name_taken ");
        }
      }
      assertThat(welcomes).isEqualTo(1);
    } finally {
      for (LineClient c : clients) {
        c.close();
      }
    }
  }

  @Test
  void shouldTakeAKilledBrokersMembersOutWithinFiveSecondsAndCatchItUpOnRestart() throws Exception {
    try (BrokerCluster cluster = BrokerCluster.start(dir, 3)) {
      int victim = (cluster.awaitLeader(Duration.ofSeconds(20)) + 1) % 3; // a follower
      int other = (victim + 1) % 3;
      try (LineClient watcher = LineClient.joined(cluster.address(other), "watcher")) {
        LineClient doomed = LineClient.joined(cluster.address(victim), "doomed");
        assertThat(watcher.readLine()).isEqualTo("JOINED doomed");

        long killed = System.nanoTime();
        cluster.kill(victim);
        assertThat(watcher.readLine()).isEqualTo("LEFT doomed");
        assertThat(Duration.ofNanos(System.nanoTime() - killed)).isLessThan(Duration.ofSeconds(5));
        doomed.close();

        try (LineClient again = LineClient.joined(cluster.address(other), "doomed")) {
          assertThat(watcher.readLine()).isEqualTo("JOINED doomed");
          cluster.restart(victim);
          try (LineClient late = LineClient.joined(cluster.address(victim), "late")) {
            late.send("WHO");
            assertThat(late.readLines(4))
                .containsExactlyInAnyOrder(
                    "MEMBER watcher", "MEMBER doomed", "MEMBER late", "MEMBERS 3");
            again.send("SEND caught up");
            assertThat(late.readLine()).isEqualTo("MSG doomed caught up");
          }
        }
      }
    }
  }

  @Test
  void shouldRefuseMessagesNoLeaderCanOrderAfterTheHold() throws Exception {
    try (BrokerCluster cluster = BrokerCluster.start(dir, 3, "--cluster-hold=2s")) {
      int alone = (cluster.awaitLeader(Duration.ofSeconds(20)) + 1) % 3;
      try (LineClient cut = LineClient.joined(cluster.address(alone), "cut")) {
        cluster.kill((alone + 1) % 3);
        cluster.kill((alone + 2) % 3); // no majority left: nothing can be ordered
        long sent = System.nanoTime();
        cut.send("SEND held, then refused");
        assertThat(cut.readLine()).startsWith("ERR unavailable ");
        assertThat(Duration.ofNanos(System.nanoTime() - sent))
            .isGreaterThanOrEqualTo(Duration.ofMillis(1_500));
        cut.send("SEND refused at once");
        assertThat(cut.readLine()).startsWith("ERR unavailable ");

        // Operators see it: /healthz says why, /metrics counts the refusals.
        HttpResponse<String> health = get(cluster.httpAddress(alone), "/healthz");
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).startsWith("no cluster leader");
        assertThat(get(cluster.httpAddress(alone), "/metrics").body())
            .contains("ringchat_cluster_up 0")
            .contains("ringchat_cluster_refusals_total 2");
      }
    }
  }

  @Test
  void shouldSayShuttingDownOnSigtermAndLetTheOthersGoOn() throws Exception {
    try (BrokerCluster cluster = BrokerCluster.start(dir, 3)) {
      int leaving = cluster.awaitLeader(Duration.ofSeconds(20)); // the others must carry on
      int a = (leaving + 1) % 3;
      int b = (leaving + 2) % 3;
      try (LineClient gone = LineClient.joined(cluster.address(leaving), "gone");
          LineClient stay = LineClient.joined(cluster.address(a), "stay");
          LineClient other = LineClient.joined(cluster.address(b), "other")) {
        cluster.stop(leaving);
        assertThat(gone.readUntil("ERR ")).startsWith("ERR shutting_down ");
        assertThat(stay.readUntil("LEFT ")).isEqualTo("LEFT gone");
        // The stopped broker's session was closed in the log before its member handed over: the
        // new leader (whose room sent that LEFT) did not inherit it and time it out seconds later.
        int next = cluster.awaitLeader(Duration.ofSeconds(20));
        assertThat(metric(cluster, next, "ringchat_cluster_sessions_timed_out_total")).isZero();
        other.send("SEND still here");
        assertThat(stay.readUntil("MSG ")).isEqualTo("MSG other still here");
      }
      // Handed over, not timed out: the followers' election began at the end of the stopped
      // leader's log, not at the leader heartbeat timeout (Aeron records why each one began).
      String why = cluster.consensusEvents(a) + cluster.consensusEvents(b);
      assertThat(why).contains("eos=true").doesNotContain("leader heartbeat timeout");
    }
  }

  @Test
  void shouldServeChatFromAFrontEndOnly() throws Exception {
    BrokerCluster cluster = sharedCluster();
    try (LineClient member = LineClient.joined(cluster.address(0), "member");
        LineClient front = LineClient.joined(cluster.startFrontEnd(), "front")) {
      assertThat(member.readLine()).isEqualTo("JOINED front");
      front.send("SEND from the front-end");
      assertThat(member.readLine()).isEqualTo("MSG front from the front-end");
      member.send("SEND back");
      assertThat(front.readLine()).isEqualTo("MSG member back");
    }
  }

  @Test
  void shouldRestartAMemberFromASnapshot() throws Exception {
    try (BrokerCluster cluster = BrokerCluster.start(dir, 3, "--cluster-snapshot-bytes=1024")) {
      int leader = cluster.awaitLeader(Duration.ofSeconds(20));
      int victim = (leader + 1) % 3;
      try (LineClient talker = LineClient.joined(cluster.address(leader), "talker");
          LineClient listener = LineClient.joined(cluster.address(leader), "listener")) {
        talker.readLine(); // JOINED listener
        for (int i = 0; i < 200; i++) {
          talker.send("SEND filling the log " + i);
        }
        assertThat(listener.readLines(200)).last().isEqualTo("MSG talker filling the log 199");
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> cluster.output(leader).contains("cluster: snapshot at log position"));
        cluster.kill(victim);
        cluster.restart(victim);
        try (LineClient late = LineClient.joined(cluster.address(victim), "late")) {
          late.send("WHO");
          assertThat(late.readLines(4))
              .containsExactlyInAnyOrder(
                  "MEMBER talker", "MEMBER listener", "MEMBER late", "MEMBERS 3");
          talker.send("SEND welcome back");
          assertThat(late.readLine()).isEqualTo("MSG talker welcome back");
        }
      }
    }
  }

  /** A line of about a kilobyte: the log grows fast. */
  /** Nearly the longest message a line allows: the log grows fastest per round trip. */
  private static final String LONG_TEXT = "x".repeat(4_000);

  /**
   * Sends {@code count} messages of 4 KB from {@code talker} and reads them at {@code listener}:
   * 100 at a time, about 400 KB of log.
   */
  private static void fill(LineClient talker, LineClient listener, int count) throws Exception {
    for (int sent = 0; sent < count; sent += 100) {
      for (int i = 0; i < 100; i++) {
        talker.send("SEND " + LONG_TEXT);
      }
      assertThat(listener.readLines(100)).allMatch(line -> line.startsWith("MSG talker x"));
    }
  }

  /** The log position of the newest snapshot the leader asked for. */
  private static long newestSnapshot(String output) {
    String prefix = "cluster: snapshot at log position ";
    return output
        .lines()
        .filter(line -> line.startsWith(prefix))
        .mapToLong(line -> Long.parseLong(line.substring(prefix.length()).strip()))
        .max()
        .orElse(-1);
  }

  /**
   * Waits until {@code member}'s room has each of {@code reporters}' report of {@code position}.
   */
  private static void awaitReports(
      BrokerCluster cluster, int member, long position, int... reporters) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (int reporter : reporters) {
                String name =
                    "ringchat_cluster_snapshot_reported_position{member=\"" + reporter + "\"}";
                if (metric(cluster, member, name) < position) {
                  return false;
                }
              }
              return true;
            });
  }

  /** A metric's value on {@code member} (-2 when it is not shown yet). */
  private static long metric(BrokerCluster cluster, int member, String name) throws Exception {
    return get(cluster.httpAddress(member), "/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith(name + " "))
        .mapToLong(line -> (long) Double.parseDouble(line.substring(name.length() + 1)))
        .findFirst()
        .orElse(-2);
  }

  private static long count(String text, String what) {
    return text.lines().filter(line -> line.startsWith(what)).count();
  }

  @Test
  void shouldPurgeTheLogOnlyBelowWhatEveryMemberCanDoWithout() throws Exception {
    String purged = "cluster: purged below log position";
    // With the largest datagrams the option allows: this case moves the most log (snapshots every
    // 4 MiB, a member's catch-up through the archive) while the other cases run on the default.
    try (BrokerCluster cluster =
        BrokerCluster.start(dir, 3, "--cluster-snapshot-bytes=4194304", "--cluster-mtu=8192")) {
      int leader = cluster.awaitLeader(Duration.ofSeconds(20));
      int victim = (leader + 1) % 3;
      int other = (leader + 2) % 3;
      try (LineClient talker = LineClient.joined(cluster.address(leader), "talker");
          LineClient listener = LineClient.joined(cluster.address(leader), "listener")) {
        talker.readLine(); // JOINED listener
        // Snapshots every 4 MiB of log: the third one lets every member purge the first 4 MiB.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  fill(talker, listener, 250);
                  for (int i = 0; i < 3; i++) {
                    if (!cluster.output(i).contains(purged)) {
                      return false;
                    }
                  }
                  return true;
                });

        // A member is down: the others snapshot on but keep the log it will need. It goes down
        // once the room has its report of the newest snapshot, so that none is in flight.
        long newest = newestSnapshot(cluster.output(leader));
        awaitReports(cluster, leader, newest, 0, 1, 2);
        long purgeBelow = metric(cluster, leader, "ringchat_cluster_log_purge_below_position");
        cluster.kill(victim);
        long snapshots = count(cluster.output(leader), "cluster: snapshot at");
        while (count(cluster.output(leader), "cluster: snapshot at") < snapshots + 2) {
          fill(talker, listener, 250);
        }
        // Both live members' reports of the newest snapshot are in: the room has decided.
        awaitReports(cluster, leader, newestSnapshot(cluster.output(leader)), leader, other);
        assertThat(metric(cluster, leader, "ringchat_cluster_log_purge_below_position"))
            .as("no purge point past what the member that is down reported")
            .isEqualTo(purgeBelow);

        // Back with its directory: it catches up from the log the others kept, and its
        // snapshots let the purge go on.
        cluster.restart(victim);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  fill(talker, listener, 250);
                  return metric(cluster, leader, "ringchat_cluster_log_purge_below_position")
                      > purgeBelow;
                });
        // Only the restarted member and the leader left: nothing is ordered unless the restarted
        // member holds the whole log, so a message that arrives proves it caught up.
        cluster.kill(other);
        talker.send("SEND caught up");
        assertThat(listener.readLine()).isEqualTo("MSG talker caught up");
      }
    }
  }
}
