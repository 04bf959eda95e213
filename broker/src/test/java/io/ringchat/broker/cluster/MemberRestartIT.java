package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringchat.broker.cluster.OneMemberCluster.Client;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member restarted in place (what a member that cannot replay its own log gets, {@code
 * StuckReplayDetector}) comes back from its files, with the room as its log left it, beside the
 * same driver and archive and in the same broker process: a one-member cluster in this JVM, so that
 * the test can ask for the restart. That the condition is found is {@code
 * StuckReplayDetectorTest}'s.
 */
@Timeout(120)
class MemberRestartIT {
  @TempDir Path dir;

  @Test
  void shouldComeBackWithTheRoomItsLogHeldAndServeAgain() throws Exception {
    try (OneMemberCluster cluster = OneMemberCluster.start(dir)) {
      Client alice = cluster.join("alice", "");
      Client bob = cluster.join("bob", "");
      alice.send("SEND before");
      assertThat(bob.readUntil("MSG ")).isEqualTo("MSG alice before");

      // What the consensus module's error handler gets from a member that cannot replay its own
      // log, three times: the detector behind Aeron's own handler asks the node for the restart.
      for (int i = 0; i < StuckReplayDetector.REFUSALS; i++) {
        cluster
            .broker()
            .clusterNode()
            .consensusErrorHandler()
            .onError(StuckReplayDetectorTest.refusedReplay());
      }

      cluster.awaitMetric("ringchat_cluster_member_restarts_total 1.0");
      cluster.awaitHealthy();
      // The new room replayed the log: its history holds what was said before the restart.
      Client carol = cluster.join("carol", " HISTORY 10");
      assertThat(carol.readUntil("POST ")).startsWith("POST 1 ").endsWith(" alice before");
      assertThat(carol.readUntil("REPLAYED ")).isEqualTo("REPLAYED 1");
      Client dave = cluster.join("dave", "");
      carol.send("SEND after");
      assertThat(carol.readUntil("SENT ")).startsWith("SENT 2 ");
      assertThat(dave.readUntil("MSG ")).isEqualTo("MSG carol after");
    }
  }
}
