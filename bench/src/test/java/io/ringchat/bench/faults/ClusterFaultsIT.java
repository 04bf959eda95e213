package io.ringchat.bench.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fixed fault sequences that first broke the clustered room, run as {@code
 * scripts/cluster-faults.sh --schedule NAME} runs them: three broker jars, a sender and a reader on
 * every broker (the leader's included), the leader killed once per sequence while every sender
 * sends, and the checker's verdict on what every client saw. Each prints the run's report.
 */
class ClusterFaultsIT {
  private static final Path BROKER_JAR = Path.of("..", "broker", "target", "ringchat-broker.jar");

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"leader-kill", "followers-then-leader", "follower-twice-then-leader"})
  void shouldLoseDuplicateAndReorderNothingAndServeAgainAfterEachFault(String schedule)
      throws Exception {
    assertThat(BROKER_JAR).as("the broker jar, built by the broker module").exists();
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(text, true, StandardCharsets.UTF_8);
    FaultRun.Report report =
        FaultRun.run(
            new FaultRun.Settings(
                schedule,
                0,
                1,
                50,
                1,
                1,
                BROKER_JAR,
                dir,
                FaultRun.Partitions.OFF,
                false,
                List.of()),
            out);
    FaultRun.print(report, out);
    String printed = text.toString(StandardCharsets.UTF_8);
    System.out.println("--- " + schedule + "\n" + printed);
    assertThat(report.violated()).as(printed).isFalse();
    assertThat(report.leaderKills()).as("the leader is killed once per sequence").isEqualTo(1);
    assertThat(report.verdict().confirmed)
        .as("messages confirmed by readers on every broker, the survivors' and the restarted one's")
        .isGreaterThan(1_000);
  }
}
