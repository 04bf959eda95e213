package io.ringchat.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.aeron.cluster.ConsensusModule;
import io.ringchat.broker.cluster.OneMemberCluster.Client;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.nio.file.Path;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member's own media driver lowers a canvass position that claims more of the log than its room
 * committed, while the member leads, before its consensus module reads it ({@link
 * CanvassPositionGuard}, installed on the driver's receiving endpoints, reading the consensus
 * module's counters), and the room serves on. A one-member cluster in this JVM (it leads); the
 * canvass comes as a datagram to its consensus port, as a member back from a partition sends it.
 * What the guard rewrites and leaves alone is {@code CanvassPositionGuardTest}'s.
 */
@Timeout(120)
class CanvassPositionGuardIT {
  @TempDir Path dir;

  @Test
  void shouldLowerAClaimBeyondTheCommitPositionAndServeOn() throws Exception {
    try (OneMemberCluster cluster = OneMemberCluster.start(dir);
        DatagramSocket udp = new DatagramSocket()) {
      Client alice = cluster.join("alice", "");
      Client bob = cluster.join("bob", "");

      // A claim from a log whose last term is older than the leader's (a new cluster's first term
      // is 0; -1 is a log with no term at all), far beyond anything the room committed.
      UnsafeBuffer datagram = new UnsafeBuffer(new byte[256]);
      int length =
          CanvassPositionGuardTest.canvassFrame(
              datagram, 0, ConsensusModule.Configuration.consensusStreamId(), -1, 1L << 40, 1);
      udp.send(
          new DatagramPacket(
              datagram.byteArray(), length, cluster.endpoint(ClusterMembers.CONSENSUS)));

      cluster.awaitMetric("ringchat_cluster_canvass_positions_lowered_total 1.0");
      alice.send("SEND still here");
      assertThat(bob.readUntil("MSG ")).isEqualTo("MSG alice still here");
    }
  }
}
