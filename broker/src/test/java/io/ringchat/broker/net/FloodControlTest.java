package io.ringchat.broker.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.ringchat.broker.stats.BrokerCounters.Throttle;
import io.ringchat.protocol.ErrorCode;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Flood control and the per-address cap with the broker's default rates, on embedded channels whose
 * clock only the test moves: over a rate a connection waits and loses nothing; a person's paste
 * never waits; one address cannot take every place.
 */
class FloodControlTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  /** The broker's defaults: 20 lines/s, 4 KiB/s and 20 joins/s per address, 4096-byte lines. */
  private static ConnectionLimits defaults(int maxClientsPerAddress) {
    return new ConnectionLimits(
        10_000, 4096, 60 * SECOND, 20, new AddressLimits(maxClientsPerAddress, 4_096, 20));
  }

  @Test
  void shouldLetAJoinAndAPasteOfNinetyNineLinesThroughWithoutWaiting() throws Exception {
    try (SyncBroker broker = new SyncBroker(defaults(100), 1000, peer(1), peer(2))) {
      join(broker); // the JOIN is the first line of the burst
      write(broker, 0, lines("paste", 99, 80));

      assertThat(texts(broker.received(1))).hasSize(99);
      assertThat(broker.counters.rateLimitPauses()).isZero();
    }
  }

  @Test
  void shouldMakeAFlooderWaitAndLoseNothing() throws Exception {
    try (SyncBroker broker = new SyncBroker(defaults(100), 1000, peer(1), peer(2))) {
      join(broker);
      write(broker, 0, lines("flood", 300, 10)); // one read: the rest of it waits, unframed

      assertThat(texts(broker.received(1)))
          .as("the burst, and the line that went over")
          .hasSize(100);
      assertThat(broker.counters.throttledLines(Throttle.CONNECTION_LINES)).isEqualTo(1);
      broker.advance(SECOND);
      assertThat(texts(broker.received(1))).as("a second's worth more").hasSize(120);
      advanceByTicks(broker, 10 * SECOND);

      assertThat(texts(broker.received(1))).isEqualTo(numbered("flood", 300));
      assertThat(broker.isOpen(0)).as("never dropped").isTrue();
    }
  }

  @Test
  void shouldShareAnAddresssByteRateAcrossItsConnectionsButNotWithOthers() throws Exception {
    // Two connections from one address, each within its own line rate, 4 KiB lines.
    try (SyncBroker broker = new SyncBroker(defaults(100), 1000, peer(1), peer(1), peer(2))) {
      write(broker, 0, "JOIN a\n");
      write(broker, 1, "JOIN b\n");
      write(broker, 2, "JOIN c\n");
      broker.received(2).clear();
      write(broker, 0, lines("a", 10, 4090));

      // The burst, 20 KiB, is 5 such lines: the 5th takes the address over it, and a waits.
      assertThat(texts(broker.received(2))).hasSize(5);
      assertThat(broker.counters.throttledLines(Throttle.ADDRESS_BYTES)).isEqualTo(1);
      write(broker, 1, lines("b", 3, 4090));
      assertThat(texts(broker.received(2)))
          .as("b is within its own rate, but its address is over")
          .hasSize(5);
      assertThat(broker.counters.throttledLines(Throttle.ADDRESS_BYTES)).isEqualTo(2);
      assertThat(broker.counters.throttledLines(Throttle.CONNECTION_LINES)).isZero();

      write(broker, 2, "SEND from another address\n");
      assertThat(broker.received(0)).last().isEqualTo("MSG c from another address");
      assertThat(broker.received(1)).last().isEqualTo("MSG c from another address");
      advanceByTicks(broker, 30 * SECOND);
      assertThat(texts(broker.received(2))).as("all of it, in time").hasSize(13);
    }
  }

  @Test
  void shouldPaceJoinsFromOneAddress() throws Exception {
    ConnectionLimits joinsOnly =
        new ConnectionLimits(10_000, 4096, 60 * SECOND, 0, new AddressLimits(100, 0, 20));
    try (SyncBroker broker = new SyncBroker(joinsOnly, 1000, peer(1), peer(1), peer(2))) {
      StringBuilder joins = new StringBuilder();
      for (int i = 0; i < 200; i++) {
        joins.append("JOIN c").append(i).append('\n');
      }
      // Each JOIN costs its address, taken or refused (this connection's after the first are).
      write(broker, 0, joins.toString());

      assertThat(answers(broker, 0)).as("100 joins of burst, the one at the edge").isEqualTo(101);
      assertThat(broker.counters.throttledLines(Throttle.ADDRESS_JOINS)).isEqualTo(1);
      write(broker, 1, "JOIN same-address\n");
      assertThat(broker.received(1)).as("another connection of that address waits").isEmpty();
      write(broker, 2, "JOIN other-address\n");
      assertThat(broker.received(2)).first().asString().startsWith("WELCOME other-address ");

      broker.advance(SECOND);
      assertThat(answers(broker, 0) + answers(broker, 1)).isEqualTo(101 + 20);
      advanceByTicks(broker, 10 * SECOND);
      assertThat(answers(broker, 0)).as("every JOIN answered, in time").isEqualTo(200);
      assertThat(broker.received(1)).first().asString().startsWith("WELCOME same-address ");
    }
  }

  @Test
  void shouldRefuseTheConnectionOverTheAddressCapNamingTheLimit() throws Exception {
    try (SyncBroker broker =
        new SyncBroker(defaults(2), 1000, peer(1), peer(1), peer(1), peer(2))) {
      assertThat(broker.received(2))
          .containsExactly(
              "ERR server_full too many connections from your address (per-address limit: 2);"
                  + " close one or try again later");
      assertThat(broker.isOpen(2)).isFalse();
      assertThat(broker.isOpen(3)).as("another address").isTrue();
      assertThat(broker.counters.addressCapRefusals()).isEqualTo(1);
      assertThat(broker.counters.errors(ErrorCode.SERVER_FULL)).isEqualTo(1);

      broker.disconnect(0);
      assertThat(broker.addressesKept()).isEqualTo(2);
    }
  }

  /** The answers to JOINs a connection received (its presence lines not counted). */
  private static long answers(SyncBroker broker, int connection) {
    return broker.received(connection).stream()
        .filter(line -> line.startsWith("WELCOME ") || line.startsWith("ERR "))
        .count();
  }

  /** Moves time on in 10 ms steps, so that each pause ends when it would (not all at once). */
  private static void advanceByTicks(SyncBroker broker, long nanos) {
    for (long moved = 0; moved < nanos; moved += SECOND / 100) {
      broker.advance(SECOND / 100);
    }
  }

  private static void join(SyncBroker broker) {
    write(broker, 0, "JOIN flooder\n");
    write(broker, 1, "JOIN reader\n");
    broker.received(1).clear();
  }

  /** {@code n} SEND lines "prefix-i" padded with dots to {@code bytes} of text. */
  private static String lines(String prefix, int n, int bytes) {
    StringBuilder sb = new StringBuilder();
    for (String text : numbered(prefix, n)) {
      sb.append("SEND ").append(text).append(".".repeat(Math.max(0, bytes - text.length())));
      sb.append('\n');
    }
    return sb.toString();
  }

  private static List<String> numbered(String prefix, int n) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      texts.add(prefix + "-" + i);
    }
    return texts;
  }

  /** The texts of the MSG lines received, padding removed. */
  private static List<String> texts(List<String> received) {
    return received.stream()
        .filter(line -> line.startsWith("MSG "))
        .map(line -> line.substring(line.indexOf(' ', 4) + 1).replaceAll("\\.+$", ""))
        .toList();
  }

  private static InetSocketAddress peer(int host) throws Exception {
    return new InetSocketAddress(InetAddress.getByName("10.0.0." + host), 40_000 + host);
  }

  private static void write(SyncBroker broker, int connection, String text) {
    broker.write(connection, text.getBytes(StandardCharsets.UTF_8));
  }
}
