package io.ringchat.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bytes a careless or hostile client may send: each gets its error and harms nobody else. */
class HostileClientsIT {
  private RunningBroker broker;

  @BeforeEach
  void start() throws InterruptedException {
    broker = RunningBroker.start("--join-timeout=2s");
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  @Test
  void shouldRefuseNulEscC1AndInvalidUtf8TextAndDeliverNothingOfIt() throws Exception {
    try (LineClient bob = LineClient.joined(broker.address(), "bob");
        LineClient mallory = LineClient.joined(broker.address(), "mallory")) {
      bob.readLine();
      byte[][] hostile = {
        "SEND a\u0000b\n".getBytes(StandardCharsets.UTF_8),
        "SEND \u001b]0;owned\u0007\n".getBytes(StandardCharsets.UTF_8),
        "SEND c1 \u009b31m\n".getBytes(StandardCharsets.UTF_8),
        {'S', 'E', 'N', 'D', ' ', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '\n'}, // a surrogate
        {'S', 'E', 'N', 'D', ' ', (byte) 0xC0, (byte) 0xAF, '\n'}, // overlong '/'
        "SEND back\rspace\n".getBytes(StandardCharsets.UTF_8),
      };
      for (byte[] line : hostile) {
        mallory.sendRaw(line);
        assertThat(mallory.readLine()).startsWith("ERR bad_text ");
      }
      mallory.send("SEND fine");

      assertThat(bob.readLine()).isEqualTo("MSG mallory fine");
    }
  }

  @Test
  void shouldPassBidiOverridesThroughAsTextForClientsToEscape() throws Exception {
    try (LineClient bob = LineClient.joined(broker.address(), "bob");
        LineClient mallory = LineClient.joined(broker.address(), "mallory")) {
      bob.readLine();
      mallory.send("SEND abc\u202Eevil");

      // Valid UTF-8 with no control character: the protocol lets it through, byte for byte.
      assertThat(bob.readLine()).isEqualTo("MSG mallory abc\u202Eevil");
    }
  }

  @Test
  void shouldAnswerTelnetNegotiationBytesWithAnErrorAndKeepTheConnection() throws Exception {
    try (LineClient telnet = new LineClient(broker.address())) {
      // IAC DO ECHO, IAC WILL SUPPRESS-GO-AHEAD, then a normal line.
      telnet.sendRaw(new byte[] {(byte) 0xFF, (byte) 0xFD, 0x01, (byte) 0xFF, (byte) 0xFB, 0x03});
      telnet.sendRaw("JOIN tel\r\n".getBytes(StandardCharsets.US_ASCII));

      assertThat(telnet.readLine()).startsWith("ERR bad_command ");
      telnet.send("JOIN tel");
      assertThat(telnet.readLine()).isEqualTo("WELCOME tel 1");
    }
  }

  @Test
  void shouldCloseASlowlorisThatNeverFinishesItsJoin() throws Exception {
    try (LineClient slow = new LineClient(broker.address())) {
      byte[] join = "JOIN slowloris".getBytes(StandardCharsets.US_ASCII);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      String answer = null;
      slow.socket.setSoTimeout(50);
      for (int i = 0; System.nanoTime() < deadline; i = (i + 1) % join.length) {
        try {
          slow.sendRaw(new byte[] {join[i]});
        } catch (java.io.IOException closed) {
          break;
        }
        try {
          answer = slow.readLine();
          break;
        } catch (java.net.SocketTimeoutException e) {
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // one byte per tick
        }
      }
      assertThat(answer).startsWith("ERR not_joined no JOIN within 2 s");
      slow.socket.setSoTimeout(10_000);
      assertThat(slow.isClosedByPeer()).isTrue();
    }
  }
}
