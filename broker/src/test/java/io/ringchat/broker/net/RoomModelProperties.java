package io.ringchat.broker.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringchat.protocol.testing.property.Gen;
import io.ringchat.protocol.testing.property.PropertyCheck;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Model-based property test: random sessions of JOIN, SEND, WHO, PING, LEAVE and abrupt disconnects
 * over four connections, each request sent whole or split in two, run against the broker's real
 * handlers and room ({@link SyncBroker}) and against {@link ProtocolModel}. The frames each
 * connection receives must be the model's. A failing session is shrunk to the shortest that still
 * fails, and reported with the seed that replays it.
 */
class RoomModelProperties {
  private static final int CONNECTIONS = 4;
  private static final int MAX_LINE = 40;

  /**
   * One client action: what a connection sends and where it is split, or that it drops ({@code
   * disconnect}) or stops reading ({@code slow}).
   */
  record Step(int connection, String line, boolean disconnect, boolean slow, int split) {
    @Override
    public String toString() {
      if (disconnect) {
        return connection + ": <disconnect>";
      }
      return slow ? connection + ": <stops reading>" : connection + ": " + line.strip();
    }
  }

  @Test
  void everyConnectionReceivesExactlyWhatTheProtocolSays() {
    PropertyCheck.forAll(Gen.listOf(STEPS, 40))
        .tries(300)
        .check(RoomModelProperties::runsAsTheModelSays);
  }

  private static void runsAsTheModelSays(List<Step> session) {
    try (SyncBroker broker = new SyncBroker(CONNECTIONS, MAX_LINE, 1000)) {
      ProtocolModel model = new ProtocolModel(CONNECTIONS, MAX_LINE, 1000);
      for (Step step : session) {
        if (step.disconnect()) {
          broker.disconnect(step.connection());
          model.disconnect(step.connection());
          continue;
        }
        if (step.slow()) {
          broker.stopReading(step.connection());
          model.stopReading(step.connection());
          continue;
        }
        byte[] bytes = step.line().getBytes(StandardCharsets.UTF_8);
        int cut = Math.min(step.split(), bytes.length);
        for (byte[] part :
            new byte[][] {
              Arrays.copyOfRange(bytes, 0, cut), Arrays.copyOfRange(bytes, cut, bytes.length)
            }) {
          broker.write(step.connection(), part);
          model.write(step.connection(), part);
        }
      }
      for (int c = 0; c < CONNECTIONS; c++) {
        assertThat(ProtocolModel.normalise(broker.received(c)))
            .as("frames to connection %d", c)
            .isEqualTo(ProtocolModel.normalise(model.expected(c)));
      }
    }
  }

  private static final Gen<String> NAMES =
      Gen.element("alice", "Alice", "bob", "Zo\u00EB", "zoe\u0308", "_bad", "a b", "x".repeat(33));
  private static final Gen<String> TEXTS =
      Gen.element("hi", " spaced ", "tab\there", "\u001b[2J", "nul\u0000", "\u202Eltr", "");
  private static final Gen<String> LINES =
      Gen.oneOf(
          NAMES.map(n -> "JOIN " + n + "\n"),
          TEXTS.map(t -> "SEND " + t + "\n"),
          TEXTS.map(t -> "send " + t + "\r\n"),
          Gen.constant("WHO\n"),
          TEXTS.map(t -> "PING " + t + "\n"),
          Gen.constant("PING\n"),
          Gen.constant("LEAVE\n"),
          Gen.constant("HELLO\n"),
          Gen.constant("SEND " + "y".repeat(60) + "\n"),
          Gen.constant("\n"));
  private static final Gen<Step> STEPS =
      c ->
          new Step(
              Gen.ints(0, CONNECTIONS - 1).draw(c),
              LINES.draw(c),
              Gen.oneIn(20).draw(c),
              Gen.oneIn(30).draw(c),
              Gen.ints(0, 70).draw(c));
}
