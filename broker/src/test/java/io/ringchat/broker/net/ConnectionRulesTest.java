package io.ringchat.broker.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringchat.protocol.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The I/O side's rules for one connection, on embedded channels with the broker's own handlers and
 * a clock only the test moves: the join timeout, the HTTP sniffer, the connection limit.
 */
class ConnectionRulesTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void shouldCloseAConnectionThatDoesNotJoinInTimeAndOnlyThatOne() {
    try (SyncBroker broker = new SyncBroker(2, 4096, 1000, 10 * SECOND)) {
      write(broker, 0, "JOIN alice\n");

      broker.advance(9 * SECOND);
      assertThat(broker.isOpen(1)).as("before the deadline").isTrue();
      broker.advance(2 * SECOND);

      assertThat(broker.received(1)).containsExactly("ERR not_joined no JOIN within 10 s; closing");
      assertThat(broker.isOpen(1)).isFalse();
      assertThat(broker.isOpen(0)).as("joined in time").isTrue();
      assertThat(broker.counters.joinTimeouts()).isEqualTo(1);
    }
  }

  @Test
  void shouldSayTheTimeoutInMillisecondsWhenItIsNotWholeSeconds() {
    try (SyncBroker broker = new SyncBroker(1, 4096, 1000, SECOND / 4)) {
      broker.advance(SECOND);

      assertThat(broker.received(0))
          .containsExactly("ERR not_joined no JOIN within 250 ms; closing");
    }
  }

  @Test
  void shouldAnswerAnHttpRequestSplitAcrossReadsAndClose() {
    try (SyncBroker broker = new SyncBroker(1, 4096, 1000)) {
      write(broker, 0, "GE");
      assertThat(broker.isOpen(0)).as("undecided after two bytes").isTrue();
      write(broker, 0, "T / HTTP/1.1\r\nHost: x\r\n\r\n");

      assertThat(broker.received(0)).singleElement().asString().startsWith("ERR bad_command ");
      assertThat(broker.isOpen(0)).isFalse();
      assertThat(broker.counters.httpRequestsRefused()).isEqualTo(1);
    }
  }

  @Test
  void shouldTreatALineThatOnlyStartsLikeAMethodAsChat() {
    try (SyncBroker broker = new SyncBroker(1, 4096, 1000)) {
      write(broker, 0, "GET");
      write(broker, 0, "\nJO");
      write(broker, 0, "IN a\n");

      assertThat(broker.received(0))
          .containsExactly("ERR bad_command " + ErrorCode.BAD_COMMAND.defaultText(), "WELCOME a 1");
      assertThat(broker.isOpen(0)).isTrue();
    }
  }

  @Test
  void shouldRefuseTheConnectionOverTheLimitWithoutTellingTheRoom() {
    try (SyncBroker broker = new SyncBroker(3, 4096, 1000, 10 * SECOND, 2)) {
      assertThat(broker.received(2))
          .containsExactly("ERR server_full " + ErrorCode.SERVER_FULL.defaultText());
      assertThat(broker.isOpen(2)).isFalse();
      write(broker, 0, "JOIN a\n");
      assertThat(broker.received(0)).containsExactly("WELCOME a 1");
    }
  }

  private static void write(SyncBroker broker, int connection, String text) {
    broker.write(connection, text.getBytes(StandardCharsets.UTF_8));
  }
}
