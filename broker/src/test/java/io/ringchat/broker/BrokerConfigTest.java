package io.ringchat.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ringchat.broker.net.AddressLimits;
import io.ringchat.broker.ring.InboundRing;
import io.ringchat.cli.KeepAlive;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The broker's options: one declaration each, parsed the same way by the CLI and by tests. */
class BrokerConfigTest {
  @Test
  void shouldParseFlagsAndFillTheRestWithTheDeclaredDefaults() {
    BrokerConfig config = BrokerConfig.parse("--port=0", "--max-line", "64", "--join-timeout=2s");

    assertThat(config.port()).isZero();
    assertThat(config.maxLineBytes()).isEqualTo(64);
    assertThat(config.connectionLimits().joinTimeoutNanos())
        .isEqualTo(Duration.ofSeconds(2).toNanos());
    assertThat(config.ringSize()).isEqualTo(65_536);
    assertThat(config.maxPendingBytes()).isEqualTo(4 * 1024 * 1024);
    assertThat(config.waitStrategy()).isEqualTo(InboundRing.Wait.PARK);
    assertThat(config.ioThreads()).isEqualTo(1);
    assertThat(config.connectionLimits().maxClients()).isEqualTo(10_000);
    assertThat(config.connectionLimits().maxLinesPerSecond()).isEqualTo(20);
    assertThat(config.connectionLimits().perAddress())
        .as("flood control and the address cap are on by default")
        .isEqualTo(new AddressLimits(100, 4_096, 20));
    assertThat(config.history().messages()).isEqualTo(1000);
    assertThat(config.history().bytes()).isEqualTo(8 * 1024 * 1024);
    assertThat(config.connectionLimits().positionedJoins()).isTrue();
  }

  @Test
  void shouldDrawANewEpochForEachRoomAndKeepNothingWithHistoryZero() {
    BrokerConfig config = BrokerConfig.parse("--history=0", "--history-bytes=1024");

    assertThat(config.history().messages()).isZero();
    assertThat(config.history().bytes()).isEqualTo(1024);
    assertThat(config.history().epoch()).matches("[0-9a-z]{10}");
    assertThat(config.history().epoch()).isNotEqualTo(config.history().epoch());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--max-clients=10000|100",
        "--max-clients=50|1", // 1% of 50 rounds down, but never to 0 (which would mean off)
        "--max-clients=10000 --max-clients-per-address=5%|500",
        "--max-clients=10000 --max-clients-per-address=0.5%|50",
        "--max-clients-per-address=7|7",
        "--max-clients-per-address=0|0",
      })
  void shouldTakeTheAddressCapAsANumberOrAShareOfMaxClients(String flags, int cap) {
    assertThat(BrokerConfig.parse(flags.split(" ")).connectionLimits().perAddress())
        .extracting(AddressLimits::maxClientsPerAddress)
        .isEqualTo(cap);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--ring-size=3|--ring-size must be a power of two of at least 2, got 3",
        "--io-threads=257|--io-threads must be 1 to 256, got 257",
        "--io-threads=0|--io-threads must be 1 to 256, got 0",
        "--max-pending=100|--max-pending must be at least 1024 bytes, got 100",
        "--max-line=0|--max-line must be at least 1, got 0",
        "--max-clients=0|--max-clients must be at least 1, got 0",
        "--join-timeout=0s|--join-timeout must be positive, got 0 ms",
        "--presence-limit=-1|--presence-limit must be 0 or more, got -1",
        "--history=-1|--history must be 0 or more, got -1",
        "--history-bytes=-5|--history-bytes must be 0 or more, got -5",
        "--port=70000|--port must be 0 to 65535, got 70000",
        "--http-port=-1|--http-port must be 0 to 65535, got -1",
        "--port=7878 --http-port=7878|--http-port must differ from --port (both 7878); or give --no-http",
        "--tls-cert=/nonexistent.pem|--tls-cert and --tls-key go together: give both, or neither",
        "--tls-cert=/nonexistent.pem --tls-key=/nonexistent.key|--tls-cert: cannot read /nonexistent.pem",
        "--allowed-origins=example.org|--allowed-origins takes self, * or origins such as https://chat.example.org, got 'example.org'",
        "--metrics-allow=localhost|--metrics-allow takes addresses or CIDR ranges (e.g. 127.0.0.0/8,::1/128), got 'localhost'",
        "--max-rate=-5|--max-rate must be 0 (off) to 1000000, got -5",
        "--max-clients-per-address=-1|--max-clients-per-address takes a number (0: off) or a percentage of --max-clients such as 1%, got '-1'",
        "--max-clients-per-address=lots|--max-clients-per-address takes a number (0: off) or a percentage of --max-clients such as 1%, got 'lots'",
        "--max-clients-per-address=150%|--max-clients-per-address takes a number (0: off) or a percentage of --max-clients above 0% and up to 100%, got '150%'",
        "--max-address-rate=-1|--max-address-rate must be 0 (off) to 1000000000 bytes/s, got -1",
        "--max-joins-per-address=-1|--max-joins-per-address must be 0 (off) to 1000000, got -1",
        "--cluster-id=1|--cluster-id needs --cluster-members",
        "--cluster-members=nohost|--cluster-members takes host:base-port,... (base 1 to 65530), got 'nohost'",
        "--cluster-members=h:1,h:101 --cluster-id=2|--cluster-id must be 0 to 1, got 2",
        "--cluster-hold=0s|--cluster-hold must be positive, got 0 ms",
        "--cluster-connect-timeout=0s|--cluster-connect-timeout must be positive, got 0 ms",
        "--cluster-idle-park=0s|--cluster-idle-park must be 1ms to 100ms, got 0 ms",
        "--cluster-idle-park=1s|--cluster-idle-park must be 1ms to 100ms, got 1000 ms",
        "--cluster-snapshot-bytes=10|--cluster-snapshot-bytes must be at least 1024, got 10",
        "--cluster-mtu=1000|--cluster-mtu must be a multiple of 32 from 1024 to 8192, got 1000",
        "--cluster-mtu=8224|--cluster-mtu must be a multiple of 32 from 1024 to 8192, got 8224",
        "--cluster-mtu=1500|--cluster-mtu must be a multiple of 32 from 1024 to 8192, got 1500",
        "--cluster-members=h:1 --max-line=100000|--max-line 100000 is longer than a clustered room"
            + " can carry (at most 65437 bytes with its terms)",
        "--ready-file=/nonexistent/ready.json|--ready-file /nonexistent/ready.json: its directory does not exist",
        "--wait-strategy=spin|'spin' is not a wait strategy; use one of park, blocking, sleeping,"
            + " yielding, busy-spin",
        "--join-timeout=soon|'soon' is not a duration; use e.g. 60s, 500ms, 2m",
        "--max-line=lots|'lots' is not an int",
        "--keepalive=500ms|--keepalive must be 0s (off) or at least 1s, got 500 ms",
      })
  void shouldRefuseEachBadValueWithOneLineNamingTheOption(String flag, String message) {
    assertThatThrownBy(() -> BrokerConfig.parse(flag.split(" ", -1)))
        .isInstanceOf(IllegalArgumentException.class)
        .message()
        .contains(message)
        .doesNotContain("\n");
  }

  @Test
  void shouldMakeAClusterContextThatConcludesWithAShortHold() {
    // The ingress resend (1 s) must be shorter than the hold: a short hold shortens it too.
    assertThatCode(() -> BrokerConfig.parse("--cluster-hold=100ms").clusterContext())
        .doesNotThrowAnyException();
    assertThatCode(() -> BrokerConfig.parse().clusterContext()).doesNotThrowAnyException();
  }

  @Test
  void shouldTurnKeepaliveIntoProbesThatFailAVanishedPeerWithinTwiceTheIdleTime() {
    KeepAlive byDefault = BrokerConfig.parse().keepAlive();

    assertThat(byDefault).isEqualTo(new KeepAlive(30, 10, 3));
    assertThat(byDefault.detectionTime()).isEqualTo(Duration.ofSeconds(60));
    assertThat(byDefault.userTimeoutMillis()).isEqualTo(60_000);
    assertThat(BrokerConfig.parse("--keepalive=1s").keepAlive()).isEqualTo(new KeepAlive(1, 1, 3));
    assertThat(BrokerConfig.parse("--keepalive=0s").keepAlive()).as("off").isNull();
  }

  @Test
  void shouldShowEveryOptionsDeclaredDefaultInItsHelp() {
    CommandLine cli = BrokerMain.commandLine();
    for (OptionSpec option : cli.getCommandSpec().options()) {
      if (option.usageHelp() || option.versionHelp()) {
        continue;
      }
      assertThat(option.defaultValue()).as(option.longestName() + " has a default").isNotNull();
      assertThat(String.join(" ", option.description()))
          .as(option.longestName() + "'s help quotes its declared default")
          .contains("Default: " + option.defaultValueString(true));
    }
    StringWriter help = new StringWriter();
    cli.usage(new PrintWriter(help));
    assertThat(help.toString()).contains("Default: 65536", "Default: 60s", "Default: park");
  }

  @Test
  void shouldExitTwoWithTheProblemAndWhereToLookOnABadOption() {
    StringWriter err = new StringWriter();
    CommandLine cli = BrokerMain.commandLine();
    cli.setErr(new PrintWriter(err));

    int exit = cli.execute("--ring-size=3");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString().lines())
        .containsExactly(
            "ringchat-broker: --ring-size must be a power of two of at least 2, got 3",
            "Try 'ringchat-broker --help' for the options.");
  }
}
