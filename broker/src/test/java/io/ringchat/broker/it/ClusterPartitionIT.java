package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import io.ringchat.protocol.testing.NetNamespace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The leader cut off from the others, not killed: member 2 lives in a network namespace with two
 * links to this host, one for the cluster's traffic and one for its chat clients, and leads
 * (Aeron's appointed leader). Its cluster link goes down; its clients' link stays up. The others
 * elect a new leader and chat on, the cut-off broker's member leaves their room, and the cut-off
 * side refuses what it cannot get ordered ({@code ERR unavailable} after {@code --cluster-hold}),
 * then closes its members with one line once it knows its session is gone. Needs root for ip netns
 * and veth; skipped with one line elsewhere.
 *
 * <p>Alone: three members share two cores, and a partition is timed against the session timeout.
 */
@Isolated
class ClusterPartitionIT {
  @TempDir Path dir;

  @RegisterExtension
  final ClusterLogsOnFailure logs = new ClusterLogsOnFailure().watch("test", () -> dir);

  @Test
  void shouldGoOnWithoutACutOffLeaderWhoseSideRefusesWhatItCannotOrder() throws Exception {
    List<NetNamespace> hosts = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        hosts.add(NetNamespace.create());
      }
    } catch (IllegalStateException e) {
      hosts.forEach(NetNamespace::close);
      abort("skipped: needs root for ip netns, veth and a bridge; " + e.getMessage());
      return;
    }
    List<NetNamespace.Link> clusterLinks = new ArrayList<>();
    try (NetNamespace.Bridge bridge = NetNamespace.Bridge.create()) {
      for (int i = 0; i < 3; i++) {
        clusterLinks.add(hosts.get(i).joinBridge(bridge, i + 1));
      }
      BrokerCluster.Layout layout =
          new BrokerCluster.Layout() {
            @Override
            public String clusterHost(int member) {
              return bridge.address(member + 1);
            }

            @Override
            public String chatBind(int member) {
              return hosts.get(member).insideAddress();
            }

            @Override
            public ProcessBuilder process(int member, List<String> command) {
              return hosts.get(member).processInside(command.toArray(new String[0]));
            }
          };
      try (BrokerCluster cluster = BrokerCluster.start(dir, 3, layout, "--cluster-hold=2s")) {
        int leader = cluster.awaitLeader(Duration.ofSeconds(30));
        int x = (leader + 1) % 3;
        int y = (leader + 2) % 3;
        try (LineClient a = LineClient.joined(cluster.address(x), "a");
            LineClient b = LineClient.joined(cluster.address(y), "b");
            LineClient cut = LineClient.joined(cluster.address(leader), "cut")) {
          a.readLines(2); // JOINED b, JOINED cut
          b.readLine(); // JOINED cut

          clusterLinks.get(leader).cut(); // its clients' link stays up
          try {
            long cutAt = System.nanoTime();
            assertThat(a.readUntil("LEFT ")).isEqualTo("LEFT cut");
            assertThat(Duration.ofNanos(System.nanoTime() - cutAt))
                .isLessThan(Duration.ofSeconds(10));
            a.send("SEND the majority goes on");
            assertThat(b.readUntil("MSG ")).isEqualTo("MSG a the majority goes on");

            // The cut-off side cannot get it ordered: it is refused after --cluster-hold, or, if
            // the broker first sees that its session is gone (the others closed it), the broker
            // tells its members so in one line and closes them (and then makes a new session).
            cut.send("SEND from the cut-off side");
            List<String> errors = new ArrayList<>();
            for (String line = cut.readLine(); line != null; line = cut.readLine()) {
              if (line.startsWith("ERR ")) {
                errors.add(line);
              }
            }
            assertThat(errors).isNotEmpty().allMatch(e -> e.startsWith("ERR unavailable "));
            assertThat(errors.get(errors.size() - 1))
                .isEqualTo("ERR unavailable this broker lost the cluster; connect again");
            a.send("SEND marker");
            assertThat(b.readUntil("MSG "))
                .as("nothing from the cut-off side came before it")
                .isEqualTo("MSG a marker");
          } catch (AssertionError | java.io.IOException e) {
            for (int i = 0; i < 3; i++) {
              System.err.println("--- member " + i + ":\n" + cluster.output(i));
            }
            throw e;
          }
        }
      }
    } finally {
      clusterLinks.forEach(NetNamespace.Link::close);
      hosts.forEach(NetNamespace::close);
    }
  }
}
