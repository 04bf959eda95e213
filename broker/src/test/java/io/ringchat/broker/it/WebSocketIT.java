package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringchat.protocol.ErrorCode;
import io.ringchat.protocol.testing.FloodControl;
import io.ringchat.protocol.testing.ItResources;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * WebSocket members over real sockets: the same room, rules, limits and farewells as TCP members,
 * each text frame one line, and only allowed pages may open one.
 *
 * <p>Megabytes to a WebSocket member that never reads: apart from other classes that load the CPU.
 */
@ResourceLock(ItResources.CPU)
class WebSocketIT {

  @Test
  void shouldCarryMessagesBothWaysBetweenWebSocketAndTcpMembers() throws Exception {
    try (RunningBroker broker = RunningBroker.start();
        LineClient tcp = LineClient.joined(broker.address(), "alice");
        WsClient ws = WsClient.joined(broker.httpAddress(), "bob")) {
      assertThat(tcp.readLine()).isEqualTo("JOINED bob");

      ws.send("SEND hello from the web");
      tcp.send("SEND hello from tcp");
      ws.send("send with a final LF\n".replace("send with", "SEND with"));

      assertThat(tcp.readLine()).isEqualTo("MSG bob hello from the web");
      assertThat(ws.readLine()).isEqualTo("MSG alice hello from tcp");
      assertThat(tcp.readLine()).isEqualTo("MSG bob with a final LF");

      ws.send("WHO");
      assertThat(new String[] {ws.readLine(), ws.readLine()})
          .containsExactlyInAnyOrder("MEMBER alice", "MEMBER bob");
      assertThat(ws.readLine()).isEqualTo("MEMBERS 2");
      assertThat(broker.broker.counters().connectionsOpen()).isEqualTo(2);

      try (WsClient taken = WsClient.open(broker.httpAddress(), null)) {
        taken.send("JOIN ALICE");
        assertThat(taken.readLine()).startsWith("ERR name_taken ");
      }
      ws.send("LEAVE");
      assertThat(ws.readLine()).isEqualTo("BYE");
      assertThat(ws.readLine()).isNull();
      assertThat(tcp.readLine()).isEqualTo("LEFT bob");
    }
  }

  @Test
  void shouldRefuseBadFramesAsTcpRefusesBadLinesAndKeepTheConnection() throws Exception {
    try (RunningBroker broker = RunningBroker.start("--max-line=64");
        LineClient tcp = LineClient.joined(broker.address(), "alice");
        WsClient ws = WsClient.joined(broker.httpAddress(), "bob")) {
      tcp.readLine(); // JOINED bob

      ws.send("SEND " + "x".repeat(60)); // 65 bytes: over --max-line
      assertThat(ws.readLine()).startsWith("ERR too_long ");
      ws.send("SEND " + "y".repeat(10_000)); // far over, still read whole
      assertThat(ws.readLine()).startsWith("ERR too_long ");
      ws.send("SEND two\nSEND lines"); // one frame is one line: never two requests
      assertThat(ws.readLine()).startsWith("ERR bad_text ");
      ws.send("SEND a\r\n");
      assertThat(ws.readLine()).startsWith("ERR bad_text ");
      ws.sendText(new byte[] {'S', 'E', 'N', 'D', ' ', (byte) 0xC3, '('});
      assertThat(ws.readLine()).startsWith("ERR bad_text ");
      ws.send("NOPE");
      assertThat(ws.readLine()).startsWith("ERR bad_command ");
      ws.send("");
      ws.send("PING still-here");
      assertThat(ws.readLine()).isEqualTo("PONG still-here");

      ws.send("SEND " + "z".repeat(59)); // exactly 64 bytes
      assertThat(tcp.readLine()).isEqualTo("MSG bob " + "z".repeat(59));
      assertThat(broker.broker.counters().errors(ErrorCode.TOO_LONG)).isEqualTo(2);
    }
  }

  @Test
  void shouldTakeAMessageInFragmentsAsOneLine() throws Exception {
    try (RunningBroker broker = RunningBroker.start();
        LineClient tcp = LineClient.joined(broker.address(), "alice");
        WsClient ws = WsClient.joined(broker.httpAddress(), "bob")) {
      tcp.readLine(); // JOINED bob
      ws.sendFragments("SEND one ", "line in ", "three frames");
      assertThat(tcp.readLine()).isEqualTo("MSG bob one line in three frames");
      ws.sendFragments("SEND " + "x".repeat(40_000), "y".repeat(40_000)); // past 64 KiB in all
      assertThat(ws.readLine()).isNull();
      assertThat(ws.closeStatus()).isEqualTo(1009);
    }
  }

  @Test
  void shouldCloseWith1003OnABinaryFrame() throws Exception {
    try (RunningBroker broker = RunningBroker.start();
        WsClient ws = WsClient.joined(broker.httpAddress(), "bob")) {
      ws.sendBinary("SEND hi".getBytes(StandardCharsets.UTF_8));
      assertThat(ws.readLine()).isNull();
      assertThat(ws.closeStatus()).isEqualTo(1003);
      await().until(() -> broker.broker.counters().members() == 0);
    }
  }

  @Test
  void shouldCloseWith1009AFrameBeyondWhatIsReadWhole() throws Exception {
    try (RunningBroker broker = RunningBroker.start();
        WsClient ws = WsClient.joined(broker.httpAddress(), "bob")) {
      ws.sendText(new byte[70_000]);
      assertThat(ws.readLine()).isNull();
      assertThat(ws.closeStatus()).isEqualTo(1009);
    }
  }

  @Test
  void shouldAdmitOnlyAllowedOrigins() throws Exception {
    try (RunningBroker broker = RunningBroker.start()) {
      InetSocketAddress http = broker.httpAddress();
      String self = "http://127.0.0.1:" + http.getPort();
      assertThat(WsClient.statusOf(http, "https://evil.example")).startsWith("HTTP/1.1 403");
      assertThat(WsClient.statusOf(http, "http://127.0.0.1:1")).startsWith("HTTP/1.1 403");
      assertThat(WsClient.statusOf(http, self)).startsWith("HTTP/1.1 101");
      assertThat(WsClient.statusOf(http, null)).as("not a browser").startsWith("HTTP/1.1 101");
    }
    try (RunningBroker broker = RunningBroker.start("--allowed-origins=https://chat.example.org")) {
      InetSocketAddress http = broker.httpAddress();
      assertThat(WsClient.statusOf(http, "https://chat.example.org")).startsWith("HTTP/1.1 101");
      assertThat(WsClient.statusOf(http, "https://CHAT.example.org:443"))
          .startsWith("HTTP/1.1 101");
      assertThat(WsClient.statusOf(http, "http://127.0.0.1:" + http.getPort()))
          .as("self is not in the list")
          .startsWith("HTTP/1.1 403");
    }
  }

  @Test
  void shouldShareMaxClientsWithTheChatPort() throws Exception {
    try (RunningBroker broker = RunningBroker.start("--max-clients=1");
        LineClient tcp = LineClient.joined(broker.address(), "alice")) {
      assertThat(WsClient.statusOf(broker.httpAddress(), null)).startsWith("HTTP/1.1 503");
      tcp.send("LEAVE");
      assertThat(tcp.readLine()).isEqualTo("BYE");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> broker.broker.counters().connectionsOpen() == 0);
      try (WsClient ws = WsClient.joined(broker.httpAddress(), "bob");
          LineClient refused = new LineClient(broker.address())) {
        assertThat(refused.readLine()).startsWith("ERR server_full ");
        assertThat(ws.send("PING").readLine()).isEqualTo("PONG");
      }
    }
  }

  @Test
  void shouldCountWebSocketsAgainstTheirAddresssCap() throws Exception {
    try (RunningBroker broker = RunningBroker.start("--max-clients-per-address=2");
        WsClient ws = WsClient.joined(broker.httpAddress(), "bob");
        LineClient tcp = LineClient.joined(broker.address(), "alice")) {
      assertThat(WsClient.statusOf(broker.httpAddress(), null)).startsWith("HTTP/1.1 503");
      try (LineClient refused = new LineClient(broker.address())) {
        assertThat(refused.readLine())
            .isEqualTo(
                "ERR server_full too many connections from your address (per-address limit: 2);"
                    + " close one or try again later");
      }
      assertThat(broker.broker.counters().addressCapRefusals()).isEqualTo(2);
      assertThat(ws.readLine()).isEqualTo("JOINED alice");
      assertThat(ws.send("PING").readLine()).isEqualTo("PONG");
      assertThat(tcp.send("PING").readLine()).isEqualTo("PONG");
    }
  }

  @Test
  void shouldPaceAWebSocketFlooderAndDeliverAllOfItInOrder() throws Exception {
    try (RunningBroker broker = RunningBroker.start(); // --max-rate 20 lines/s, burst 100
        LineClient tcp = LineClient.joined(broker.address(), "alice");
        WsClient ws = WsClient.joined(broker.httpAddress(), "bob")) {
      assertThat(tcp.readLine()).isEqualTo("JOINED bob");
      for (int i = 0; i < 130; i++) {
        ws.send("SEND " + i); // frames that arrive during the pause wait, in order
      }

      for (int i = 0; i < 130; i++) {
        assertThat(tcp.readLine()).isEqualTo("MSG bob " + i);
      }
      assertThat(broker.broker.counters().rateLimitPauses()).isPositive();
      assertThat(ws.send("PING").readLine()).as("never dropped").isEqualTo("PONG");
    }
  }

  @Test
  void shouldRemoveAWebSocketMemberThatNeverReads() throws Exception {
    try (RunningBroker broker = RunningBroker.start(FloodControl.off("--max-pending=65536"))) {
      WsClient sleeper = WsClient.joined(broker.httpAddress(), "sleeper");
      sleeper.socket.setReceiveBufferSize(4096);
      try (LineClient reader = LineClient.joined(broker.address(), "reader");
          LineClient flooder = LineClient.joined(broker.address(), "flooder")) {
        reader.readLine(); // JOINED flooder
        String text = "x".repeat(4000);
        StringBuilder burst = new StringBuilder();
        boolean sawLeft = false;
        for (int round = 0; round < 50 && !sawLeft; round++) {
          burst.setLength(0);
          for (int i = 0; i < 64; i++) {
            burst.append("SEND ").append(text).append('\n');
          }
          flooder.sendRaw(burst.toString().getBytes(StandardCharsets.UTF_8));
          for (int i = 0; i < 64; i++) {
            String line = reader.readLine();
            if (line.equals("LEFT sleeper")) {
              sawLeft = true;
              line = reader.readLine();
            }
            assertThat(line).startsWith("MSG flooder x");
          }
        }
        assertThat(sawLeft).isTrue();
        assertThat(broker.broker.counters().slowConsumers()).isEqualTo(1);
      }
      sleeper.close();
    }
  }

  @Test
  void shouldSayShuttingDownToWebSocketMembersAndCloseCleanly() throws Exception {
    RunningBroker broker = RunningBroker.start();
    try (WsClient ws = WsClient.joined(broker.httpAddress(), "bob")) {
      broker.close();
      assertThat(ws.readLine()).startsWith("ERR shutting_down ");
      assertThat(ws.readLine()).isNull();
      assertThat(ws.closeStatus()).isEqualTo(1000);
    }
  }
}
