package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringchat.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every ERR code of PROTOCOL.md over real sockets, and whether the connection stays open. */
class ProtocolErrorsIT {
  private RunningBroker broker;

  @BeforeEach
  void start() throws InterruptedException {
    broker =
        RunningBroker.start(
            "--max-line=64",
            "--max-clients=3",
            "--max-clients-per-address=0", // every client here is 127.0.0.1; the cap is another
            // test's
            "--join-timeout=2s");
  }

  @AfterEach
  void stop() throws InterruptedException {
    broker.close();
  }

  @Test
  void shouldAnswerEachNonClosingErrorAndKeepTheConnectionOpen() throws Exception {
    try (LineClient bob = LineClient.joined(broker.address(), "bob");
        LineClient c = new LineClient(broker.address())) {
      c.send("HELLO");
      assertThat(c.readLine()).startsWith("ERR bad_command ");
      c.send("JOIN");
      assertThat(c.readLine()).startsWith("ERR bad_command ");
      c.send("SEND hi");
      assertThat(c.readLine()).startsWith("ERR not_joined ");
      c.send("WHO");
      assertThat(c.readLine()).startsWith("ERR not_joined ");
      c.send("JOIN _bad");
      assertThat(c.readLine()).startsWith("ERR bad_name ");
      c.send("JOIN BOB");
      assertThat(c.readLine()).startsWith("ERR name_taken ");
      c.sendRaw("JOIN al\u0000ice\n".getBytes(StandardCharsets.UTF_8));
      assertThat(c.readLine()).startsWith("ERR bad_text ");
      c.send("x".repeat(65));
      assertThat(c.readLine()).startsWith("ERR too_long ");
      c.send("JOIN alice");
      assertThat(c.readLine()).isEqualTo("WELCOME alice 2");
      c.send("join carol");
      assertThat(c.readLine()).startsWith("ERR already_joined ");
      c.send("SEND");
      assertThat(c.readLine()).startsWith("ERR bad_command ");
      c.sendRaw(new byte[] {'S', 'E', 'N', 'D', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
      assertThat(c.readLine()).startsWith("ERR bad_text ");
      c.sendRaw("SEND \u001b[2J\n".getBytes(StandardCharsets.UTF_8));
      assertThat(c.readLine()).startsWith("ERR bad_text ");
      c.send("SEND still here");

      assertThat(c.sync("t")).isEmpty();
      assertThat(bob.readUntil("MSG")).isEqualTo("MSG alice still here");
    }
  }

  @Test
  void shouldAcceptCrLfMixedCaseCommandsAndIgnoreEmptyLines() throws Exception {
    try (LineClient bob = LineClient.joined(broker.address(), "bob");
        LineClient c = new LineClient(broker.address())) {
      c.sendRaw("\r\n\nJoIn alice\r\nsend  two  spaces \r\n".getBytes(StandardCharsets.UTF_8));

      assertThat(c.readLine()).isEqualTo("WELCOME alice 2");
      assertThat(bob.readLine()).isEqualTo("JOINED alice");
      assertThat(bob.readLine()).isEqualTo("MSG alice  two  spaces ");
    }
  }

  @Test
  void shouldDiscardTwoMebibyteLineWithoutLineFeedAndCarryOn() throws Exception {
    try (LineClient bob = LineClient.joined(broker.address(), "bob");
        LineClient c = LineClient.joined(broker.address(), "alice")) {
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) 'x');
      for (int i = 0; i < 32; i++) {
        c.sendRaw(chunk);
      }
      assertThat(c.readLine()).startsWith("ERR too_long ");
      c.sendRaw("\nSEND after\n".getBytes(StandardCharsets.UTF_8));

      assertThat(bob.readUntil("MSG")).isEqualTo("MSG alice after");
      assertThat(c.sync("t")).isEmpty();
    }
  }

  @Test
  void shouldRefuseConnectionsBeyondMaxClientsAndTakeThemAgainWhenSomeoneLeaves() throws Exception {
    List<LineClient> three = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      three.add(LineClient.joined(broker.address(), "u" + i));
    }
    try (LineClient fourth = new LineClient(broker.address())) {
      assertThat(fourth.readLine()).startsWith("ERR server_full ");
      assertThat(fourth.isClosedByPeer()).isTrue();
    }
    three.get(0).send("LEAVE");
    assertThat(three.get(0).readUntil("BYE")).isEqualTo("BYE");
    three.get(0).close();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              try (LineClient again = new LineClient(broker.address())) {
                again.send("JOIN again");
                assertThat(again.readLine()).startsWith("WELCOME again ");
              }
            });
    for (LineClient c : three) {
      c.close();
    }
    assertThat(broker.broker.counters().errors(ErrorCode.SERVER_FULL)).isPositive();
  }

  @Test
  void shouldCloseConnectionThatSendsNoJoinWithinTheTimeout() throws Exception {
    try (LineClient idle = new LineClient(broker.address())) {
      idle.send("PING still-no-join");
      assertThat(idle.readLine()).isEqualTo("PONG still-no-join");

      assertThat(idle.readLine()).startsWith("ERR not_joined no JOIN within 2 s");
      assertThat(idle.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void shouldAnswerHttpRequestWithOneLineAndClose() throws Exception {
    try (LineClient browser = new LineClient(broker.address())) {
      browser.sendRaw(
          "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

      assertThat(browser.readLine()).startsWith("ERR bad_command ").contains("not an HTTP server");
      assertThat(browser.isClosedByPeer()).isTrue();
    }
  }

  @Test
  void shouldSayByeAndCloseOnLeaveEvenBeforeJoin() throws Exception {
    try (LineClient c = new LineClient(broker.address())) {
      c.send("LEAVE");
      assertThat(c.readLine()).isEqualTo("BYE");
      assertThat(c.isClosedByPeer()).isTrue();
    }
  }
}
