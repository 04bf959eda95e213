package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringchat.protocol.testing.FloodControl;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * History and resume (protocol version 1.1) on one real broker over TCP: what a positioned client
 * is sent, a replay larger than {@code --max-pending} with live lines arriving during it, and a
 * restart's new epoch. A replaying member that stops reading is {@code ReplayFeedTest}'s: here the
 * kernel's socket buffers would take megabytes first, and the leak check makes each one slow.
 */
class HistoryIT {

  @Test
  void shouldResumeAfterALostConnectionWithExactlyWhatWasMissed() throws Exception {
    try (RunningBroker broker = RunningBroker.start();
        LineClient ann = LineClient.joined(broker.address(), "ann")) {
      ann.send("SEND m1").send("SEND m2").sync("a");
      LineClient bob = new LineClient(broker.address());
      bob.send("JOIN bob HISTORY 0");
      String welcome = bob.readLine();
      assertThat(welcome).matches("WELCOME bob 2 [0-9a-z]{1,16}:2");
      String epoch = welcome.substring("WELCOME bob 2 ".length(), welcome.indexOf(':'));
      assertThat(bob.readLine()).isEqualTo("REPLAYED 0");

      ann.send("SEND m3");
      assertThat(bob.readLine()).matches("POST 3 \\d{13} ann m3");
      bob.send("SEND b4");
      assertThat(bob.readLine()).matches("SENT 4 \\d{13}");
      assertThat(ann.readUntil("MSG")).isEqualTo("MSG bob b4");
      bob.close(); // the connection is lost without a LEAVE
      assertThat(ann.readLine()).isEqualTo("LEFT bob");
      ann.send("SEND m5").send("SEND m6").sync("b");

      try (LineClient back = new LineClient(broker.address())) {
        back.send("JOIN bob SINCE " + epoch + ":4");
        List<String> lines = back.readLines(4);
        assertThat(lines.get(0)).isEqualTo("WELCOME bob 2 " + epoch + ":6");
        assertThat(lines.get(1)).matches("POST 5 \\d{13} ann m5");
        assertThat(lines.get(2)).matches("POST 6 \\d{13} ann m6");
        assertThat(lines.get(3)).isEqualTo("REPLAYED 2");
        ann.send("SEND m7");
        assertThat(back.readLine()).matches("POST 7 \\d{13} ann m7");
        assertThat(times(lines.subList(1, 3))).isSorted();
      }
    }
  }

  @Test
  void shouldReplayMoreThanMaxPendingAndMeetTheLiveStreamWithNothingTwiceOrSkipped()
      throws Exception {
    try (RunningBroker broker =
            RunningBroker.start(FloodControl.off("--max-pending=65536", "--history=2000"));
        LineClient ann = LineClient.joined(broker.address(), "ann")) {
      String text = "x".repeat(1000);
      int kept = 1500; // about 1.5 MB of POST lines: 23 times --max-pending
      sendNumbered(ann, 1, kept, text);
      ann.sync("kept");

      LineClient bob = new LineClient(broker.address());
      bob.send("JOIN bob HISTORY 2000");
      await().atMost(Duration.ofSeconds(20)).until(() -> broker.broker.counters().replays() == 1);
      sendNumbered(ann, kept + 1, kept + 100, text); // while bob's replay is being written
      ann.sync("live");

      try (bob) {
        assertThat(bob.readLine()).startsWith("WELCOME bob 2 ");
        long next = 1;
        int replayed = -1;
        while (next <= kept + 100) {
          String line = bob.readLine();
          assertThat(line).as("after seq %d", next - 1).isNotNull();
          if (line.startsWith("REPLAYED ")) {
            replayed = Integer.parseInt(line.substring("REPLAYED ".length()));
            assertThat(replayed).isEqualTo(next - 1);
            continue;
          }
          if (line.equals("JOINED ann") || line.startsWith("LEFT ")) {
            continue;
          }
          assertThat(line).startsWith("POST " + next + " ").endsWith(" ann " + next + " " + text);
          next++;
        }
        assertThat(replayed).as("the live lines came after the replay").isEqualTo(kept);
        bob.sync("open"); // still a member, never closed for the replay's size
      }
      assertThat(broker.broker.counters().slowConsumers()).isZero();
      assertThat(broker.broker.counters().replayedLines()).isEqualTo(kept);
    }
  }

  @Test
  void shouldRefuseABadPositionedJoinAndKeepTheConnectionOpen() throws Exception {
    try (RunningBroker broker = RunningBroker.start();
        LineClient ann = LineClient.joined(broker.address(), "ann");
        LineClient bob = new LineClient(broker.address())) {
      ann.send("SEND m1").sync("a");
      bob.send("JOIN bob HISTORY");
      assertThat(bob.readLine()).startsWith("ERR bad_command ");
      bob.send("JOIN bob SINCE nocolon");
      assertThat(bob.readLine()).startsWith("ERR bad_command ");
      bob.send("JOIN bob LATER 1");
      assertThat(bob.readLine()).startsWith("ERR bad_name ");
      bob.send("JOIN bob HISTORY 1");
      String welcome = bob.readLine();
      String epoch = welcome.substring(welcome.lastIndexOf(' ') + 1, welcome.indexOf(':'));
      assertThat(bob.readLines(2).get(1)).isEqualTo("REPLAYED 1");

      try (LineClient carol = new LineClient(broker.address())) {
        carol.send("JOIN carol SINCE " + epoch + ":2");
        assertThat(carol.readLine()).startsWith("ERR bad_command position " + epoch + ":2 ");
        carol.send("JOIN carol");
        assertThat(carol.readLine()).isEqualTo("WELCOME carol 3");
      }
    }
  }

  @Test
  void shouldSayGapUnknownForAPositionFromBeforeARestart() throws Exception {
    String oldEpoch;
    try (RunningBroker first = RunningBroker.start();
        LineClient ann = new LineClient(first.address())) {
      ann.send("JOIN ann HISTORY 0");
      String welcome = ann.readLine();
      oldEpoch = welcome.substring(welcome.lastIndexOf(' ') + 1, welcome.indexOf(':'));
      ann.send("SEND m1").sync("a");
    }
    try (RunningBroker second = RunningBroker.start();
        LineClient ann = new LineClient(second.address())) {
      ann.send("JOIN ann SINCE " + oldEpoch + ":1");
      List<String> lines = ann.readLines(3);

      assertThat(lines.get(0)).matches("WELCOME ann 1 [0-9a-z]+:0").doesNotContain(oldEpoch);
      assertThat(lines.subList(1, 3)).containsExactly("GAP unknown", "REPLAYED 0");
      assertThat(second.broker.counters().gaps()).isEqualTo(1);
    }
  }

  private static void sendNumbered(LineClient client, int from, int to, String text)
      throws IOException {
    StringBuilder burst = new StringBuilder();
    for (int i = from; i <= to; i++) {
      burst.append("SEND ").append(i).append(' ').append(text).append('\n');
      if (burst.length() > 64 * 1024 || i == to) {
        client.sendRaw(burst.toString().getBytes(StandardCharsets.UTF_8));
        burst.setLength(0);
      }
    }
  }

  private static List<Long> times(List<String> posts) {
    List<Long> times = new ArrayList<>();
    for (String post : posts) {
      int from = post.indexOf(' ', "POST ".length()) + 1; // after the seq
      times.add(Long.parseLong(post.substring(from, post.indexOf(' ', from))));
    }
    return times;
  }
}
