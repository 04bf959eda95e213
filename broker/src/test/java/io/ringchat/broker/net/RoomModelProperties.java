package io.ringchat.broker.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Model-based property test: random sessions of JOIN, SEND, WHO, PING, LEAVE and abrupt disconnects
 * over four connections, each request sent whole or split in two, run against the broker's real
 * handlers and room ({@link SyncBroker}) and against {@link ProtocolModel}. The frames each
 * connection receives must be the model's. jqwik shrinks a failing session to the shortest that
 * still fails.
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

  @Property(tries = 300)
  void everyConnectionReceivesExactlyWhatTheProtocolSays(
      @ForAll("sessions") @Size(max = 40) List<Step> session) {
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

  @Provide
  Arbitrary<List<Step>> sessions() {
    Arbitrary<String> names =
        Arbitraries.of(
            "alice", "Alice", "bob", "Zo\u00EB", "zoe\u0308", "_bad", "a b", "x".repeat(33));
    Arbitrary<String> texts =
        Arbitraries.of("hi", " spaced ", "tab\there", "\u001b[2J", "nul\u0000", "\u202Eltr", "");
    Arbitrary<String> lines =
        Arbitraries.oneOf(
            names.map(n -> "JOIN " + n + "\n"),
            texts.map(t -> "SEND " + t + "\n"),
            texts.map(t -> "send " + t + "\r\n"),
            Arbitraries.just("WHO\n"),
            texts.map(t -> "PING " + t + "\n"),
            Arbitraries.just("PING\n"),
            Arbitraries.just("LEAVE\n"),
            Arbitraries.just("HELLO\n"),
            Arbitraries.just("SEND " + "y".repeat(60) + "\n"),
            Arbitraries.just("\n"));
    Arbitrary<Step> steps =
        Combinators.combine(
                Arbitraries.integers().between(0, CONNECTIONS - 1),
                lines,
                Arbitraries.integers().between(0, 19).map(n -> n == 0),
                Arbitraries.integers().between(0, 29).map(n -> n == 0),
                Arbitraries.integers().between(0, 70))
            .as(Step::new);
    return steps.list();
  }
}
