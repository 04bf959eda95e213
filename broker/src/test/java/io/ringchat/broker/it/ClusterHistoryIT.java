package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * History and resume (protocol 1.1) on a cluster of three broker processes: a positioned member
 * whose broker is SIGKILLed, and one whose broker was the leader, resume with {@code SINCE} on
 * another broker and get exactly what they missed, from that broker's own copy of the history, then
 * the live stream, with nothing twice and nothing skipped; a restarted broker's copy is filled from
 * the room, so that it serves what was said before it came back.
 *
 * <p>Alone: three members share two cores.
 */
@Isolated
class ClusterHistoryIT {
  @TempDir Path dir;

  @RegisterExtension
  final ClusterLogsOnFailure logs = new ClusterLogsOnFailure().watch("test", () -> dir);

  /** A positioned member: its connection, and the epoch of its WELCOME. */
  private record Positioned(LineClient client, String epoch) {}

  /**
   * Joins {@code name} with {@code how} ({@code HISTORY n} or {@code SINCE e:s}), asking again
   * while the name is still held by a connection the room has not yet seen go (its broker's session
   * times out after 3 s). Returns after the WELCOME.
   */
  private static Positioned join(InetSocketAddress address, String name, String how)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      LineClient client = new LineClient(address);
      client.send("JOIN " + name + " " + how);
      String welcome = client.readLine();
      if (welcome != null && welcome.startsWith("WELCOME " + name + " ")) {
        String position = welcome.substring(welcome.lastIndexOf(' ') + 1);
        return new Positioned(client, position.substring(0, position.indexOf(':')));
      }
      client.close();
      assertThat(welcome).startsWith("ERR name_taken");
      assertThat(System.nanoTime()).as("the old connection's name let go").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /**
   * The seq and text of the next {@code count} POST lines read from {@code client} ("seq text"),
   * presence lines ({@code JOINED}, {@code LEFT}) passed over.
   */
  private static List<String> posts(LineClient client, int count) throws IOException {
    List<String> seen = new ArrayList<>();
    long lastMillis = 0;
    while (seen.size() < count) {
      String line = client.readLine();
      assertThat(line).as("a line within the read timeout").isNotNull();
      if (line.startsWith("JOINED ") || line.startsWith("LEFT ")) {
        continue;
      }
      String[] fields = line.split(" ", 5); // POST <seq> <ms> <name> <text>
      assertThat(fields[0]).as(line).isEqualTo("POST");
      long millis = Long.parseLong(fields[2]);
      assertThat(millis).as("the room's times never go back").isGreaterThanOrEqualTo(lastMillis);
      lastMillis = millis;
      seen.add(fields[1] + " " + fields[4]);
    }
    return seen;
  }

  private static void sendAll(LineClient talker, int from, int to) throws IOException {
    for (int i = from; i <= to; i++) {
      talker.send("SEND m" + i);
    }
  }

  private static List<String> expected(int from, int to) {
    List<String> lines = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      lines.add(i + " m" + i);
    }
    return lines;
  }

  @Test
  void shouldResumeOnAnotherBrokerWithExactlyWhatWasMissedAfterItsBrokerAndTheLeaderDie()
      throws Exception {
    try (BrokerCluster cluster = BrokerCluster.start(dir, 3)) {
      int leader = cluster.awaitLeader(Duration.ofSeconds(20));
      int follower = (leader + 1) % 3;
      int survivor = (leader + 2) % 3;
      try (LineClient talker = LineClient.joined(cluster.address(survivor), "talker")) {
        Positioned ann = join(cluster.address(follower), "ann", "HISTORY 0");
        Positioned lea = join(cluster.address(leader), "lea", "HISTORY 0");
        assertThat(ann.client().readLine()).isEqualTo("REPLAYED 0");
        assertThat(lea.client().readLine()).isEqualTo("REPLAYED 0");
        assertThat(lea.epoch()).as("one numbering on every broker").isEqualTo(ann.epoch());
        talker.readUntil("JOINED lea");
        ann.client().readUntil("JOINED lea");

        sendAll(talker, 1, 5);
        assertThat(posts(ann.client(), 5)).isEqualTo(expected(1, 5));
        assertThat(posts(lea.client(), 5)).isEqualTo(expected(1, 5));

        // ann's broker dies; the room goes on without her, and she comes back on another broker.
        cluster.kill(follower);
        ann.client().close();
        sendAll(talker, 6, 8);
        assertThat(posts(lea.client(), 3)).isEqualTo(expected(6, 8));
        Positioned annAgain = join(cluster.address(survivor), "ann", "SINCE " + ann.epoch() + ":5");
        assertThat(posts(annAgain.client(), 3)).isEqualTo(expected(6, 8));
        assertThat(annAgain.client().readLine()).isEqualTo("REPLAYED 3");

        // The leader dies, with lea on its broker (ann's is back first: two of three must stand):
        // a new leader, and lea resumes elsewhere.
        cluster.restart(follower);
        // Once it has caught up and follows (until then the leader's death is a second fault).
        cluster.awaitSettled(Duration.ofSeconds(20));
        cluster.kill(leader);
        lea.client().close();
        cluster.awaitLeader(Duration.ofSeconds(20));
        sendAll(talker, 9, 11);
        assertThat(posts(annAgain.client(), 3)).isEqualTo(expected(9, 11));
        Positioned leaAgain = join(cluster.address(survivor), "lea", "SINCE " + lea.epoch() + ":8");
        assertThat(posts(leaAgain.client(), 3)).isEqualTo(expected(9, 11));
        assertThat(leaAgain.client().readLine()).isEqualTo("REPLAYED 3");

        talker.send("SEND live");
        assertThat(posts(leaAgain.client(), 1)).containsExactly("12 live");
        assertThat(posts(annAgain.client(), 1)).containsExactly("12 live");
        // ann's broker, restarted before the leader died, filled its copy from the room: it
        // serves every message, those from before its restart included.
        Positioned cat = join(cluster.address(follower), "cat", "SINCE " + ann.epoch() + ":0");
        List<String> all = expected(1, 11);
        all.add("12 live");
        assertThat(posts(cat.client(), 12)).isEqualTo(all);
        assertThat(cat.client().readLine()).isEqualTo("REPLAYED 12");
        cat.client().close();
        annAgain.client().close();
        leaAgain.client().close();
      }
    }
  }
}
