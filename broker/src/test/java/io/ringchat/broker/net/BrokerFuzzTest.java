package io.ringchat.broker.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the broker's decoder, I/O handler and room together: arbitrary bytes, split at arbitrary
 * points, from three connections, with drops in between. Every input must leave each connection
 * with exactly the frames {@link ProtocolModel} gives, which implies that names stay unique and
 * nobody receives their own message; no exception may escape and no buffer may leak (the test run
 * tracks every buffer at PARANOID).
 *
 * <p>The normal test run replays the committed inputs under {@code
 * src/test/resources/io/ringchat/broker/net/BrokerFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes
 * ({@code scripts/fuzz.sh}; docs/TESTING.md).
 */
class BrokerFuzzTest {
  private static final int CONNECTIONS = 3;
  private static final int MAX_LINE = 24;

  /** Pieces of protocol, so that random choices make meaningful sessions often. */
  private static final String[] TOKENS = {
    "JOIN ",
    "join ",
    "SEND ",
    "send ",
    "WHO",
    "PING",
    "PING ",
    "LEAVE",
    "alice",
    "ALICE",
    "bob",
    "Zoe\u0308",
    "Zo\u00EB",
    " ",
    "\n",
    "\r\n",
    "\r",
    "GET / HTTP/1.1\r\n",
    "x",
    "\t",
    "_bad",
    "\u001b[31m",
    "\u202E",
    "\u0000",
    "J"
  };

  @FuzzTest(maxDuration = "30s")
  void brokerFollowsTheProtocolModel(FuzzedDataProvider data) {
    try (SyncBroker broker = new SyncBroker(CONNECTIONS, MAX_LINE, 1000)) {
      ProtocolModel model = new ProtocolModel(CONNECTIONS, MAX_LINE, 1000);
      while (data.remainingBytes() > 0) {
        int connection = data.consumeInt(0, CONNECTIONS - 1);
        int action = data.consumeInt(0, 31);
        byte[] bytes;
        if (action == 0) {
          broker.disconnect(connection);
          model.disconnect(connection);
          continue;
        } else if (action == 1) {
          broker.stopReading(connection);
          model.stopReading(connection);
          continue;
        } else if (action < 9) {
          bytes = data.consumeBytes(data.consumeInt(1, 40)); // raw bytes
        } else {
          StringBuilder chunk = new StringBuilder();
          for (int i = data.consumeInt(1, 6); i > 0; i--) {
            chunk.append(TOKENS[data.consumeInt(0, TOKENS.length - 1)]);
          }
          bytes = chunk.toString().getBytes(StandardCharsets.UTF_8);
        }
        broker.write(connection, bytes);
        model.write(connection, bytes);
      }
      for (int c = 0; c < CONNECTIONS; c++) {
        List<String> actual = ProtocolModel.normalise(broker.received(c));
        assertThat(actual)
            .as("frames to connection %d", c)
            .isEqualTo(ProtocolModel.normalise(model.expected(c)));
      }
    }
  }
}
