package io.ringchat.client.load;

import static io.ringchat.client.load.JsonReports.number;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ringchat.broker.Broker;
import io.ringchat.broker.BrokerConfig;
import io.ringchat.broker.stats.BrokerCounters;
import io.ringchat.protocol.testing.FloodControl;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import picocli.CommandLine;

/**
 * A short load run against a real broker: nothing lost, and a report with every field. *
 *
 * <p>Alone: the load generator runs at its fastest.
 */
@Isolated
class LoadCommandIT {
  @TempDir Path dir;
  private Broker broker;

  @BeforeEach
  void start() throws InterruptedException {
    // The load generator's members all come from 127.0.0.1 and send at max rate.
    broker =
        Broker.start(
            BrokerConfig.parse(FloodControl.off("--bind=127.0.0.1", "--port=0", "--no-http")));
  }

  @AfterEach
  void stop() throws InterruptedException {
    broker.stop();
  }

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int load(String... extra) {
    return loadAt(broker.address().getPort(), extra);
  }

  private int loadAt(int port, String... extra) {
    String[] base = {"-H", "127.0.0.1", "-p", "" + port, "--warmup", "0.5", "--duration", "1"};
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    CommandLine cli = new CommandLine(new LoadCommand());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void shouldResumeEveryMemberAfterItsDropsWithEveryMessageExactlyOnce() throws Exception {
    Path json = dir.resolve("resume.json");
    int exit =
        load(
            "--clients",
            "6",
            "--senders",
            "3",
            "--rate",
            "100",
            "--resume",
            "--drop-every",
            "0.5",
            "--json",
            json.toString());

    assertThat(exit).as(out + "\n" + err).isZero();
    String report = Files.readString(json, StandardCharsets.UTF_8);
    assertThat(number(report, "resumed"))
        .as("six members, each dropped at least once")
        .isGreaterThanOrEqualTo(6);
    assertThat(number(report, "delivered")).isPositive();
    assertThat(number(report, "lost")).isZero();
    assertThat(number(report, "duplicated")).isZero();
    assertThat(number(report, "skipped")).isZero();
    assertThat(number(report, "out_of_order")).isZero();
    assertThat(number(report, "gaps_reported")).isZero();
    assertThat(broker.counters().replays()).isPositive();
  }

  @Test
  void shouldRefuseDropsWithoutResumeAsAUsageMistake() {
    assertThat(load("--clients", "2", "--senders", "1", "--drop-every", "1")).isEqualTo(2);
    assertThat(err.toString()).contains("--drop-every needs --resume");
  }

  @Test
  void shouldReportLatencyInMillisecondsAndShowProgressDuringWarmUp() {
    int exit = load("--clients", "4", "--senders", "2");

    assertThat(exit).isZero();
    assertThat(err.toString()).contains("load: warm-up ", "load: measure ");
    assertThat(out.toString())
        .containsPattern(
            "latency p50 \\d+\\.\\d\\d ms, p90 \\d+\\.\\d\\d ms, p99 \\d+\\.\\d\\d ms,")
        .doesNotContain(" us");
  }

  @Test
  void shouldLoadTheBrokersWebSocketAndFindNothingLost() throws Exception {
    Broker web =
        Broker.start(
            BrokerConfig.parse(FloodControl.off("--bind=127.0.0.1", "--port=0", "--http-port=0")));
    try {
      Path json = dir.resolve("websocket.json");
      int exit =
          loadAt(
              web.httpAddress().getPort(),
              "--target",
              "websocket",
              "--clients",
              "6",
              "--senders",
              "3",
              "--json",
              json.toString());

      assertThat(exit).as(err.toString()).isZero();
      String report = Files.readString(json, StandardCharsets.UTF_8);
      assertThat(number(report, "delivered")).isPositive();
      assertThat(number(report, "lost")).isZero();
      assertThat(number(report, "out_of_order")).isZero();
      assertThat(web.counters().connectionsTotal(BrokerCounters.Listener.WEBSOCKET)).isEqualTo(6);
    } finally {
      web.stop();
    }
  }

  @Test
  void shouldReportTheConnectionsTheBrokerDroppedAndExitOne() throws Exception {
    Path json = dir.resolve("dropped.json");
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () -> load("--clients", "4", "--senders", "2", "--json", json.toString()));
    // all four joined (warming up or measuring): the broker goes away
    await().atMost(Duration.ofSeconds(20)).until(() -> broker.counters().members() == 4);
    broker.stop();

    assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(number(Files.readString(json, StandardCharsets.UTF_8), "dropped")).isEqualTo(4);
    assertThat(out.toString()).contains("dropped connections 4");
  }

  @Test
  void shouldSayInOneLineThatTheConnectionIsRefusedAndExitOne() throws Exception {
    int closedPort;
    try (ServerSocket probe = new ServerSocket(0)) {
      closedPort = probe.getLocalPort();
    }

    int exit = loadAt(closedPort, "--clients", "2", "--senders", "1");

    assertThat(exit).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo(
            "ringchat-client load: cannot connect to 127.0.0.1:"
                + closedPort
                + ": connection refused");
  }

  @Test
  void shouldDeliverEverythingInWindowModeAndWriteTheJsonReport() throws Exception {
    Path json = dir.resolve("report.json");

    int exit = load("--clients", "20", "--senders", "5", "--json", json.toString());

    assertThat(exit).isZero();
    String report = Files.readString(json, StandardCharsets.UTF_8);
    assertThat(number(report, "clients")).isEqualTo(20);
    assertThat(number(report, "senders")).isEqualTo(5);
    long sent = number(report, "sent");
    assertThat(sent).isPositive();
    assertThat(number(report, "delivered")).as("each to 19 others").isEqualTo(sent * 19);
    assertThat(number(report, "expected")).isEqualTo(sent * 19);
    assertThat(number(report, "lost")).isZero();
    assertThat(number(report, "out_of_order")).isZero();
    assertThat(number(report, "self_deliveries")).isZero();
    long p50 = number(report, "p50");
    long p999 = number(report, "p999");
    assertThat(p50).as("latency in µs, measured").isPositive().isLessThanOrEqualTo(p999);
    assertThat(p999).isLessThanOrEqualTo(number(report, "max"));
    assertThat(out.toString()).as("no schedule, no lag").doesNotContain("send lag");
  }

  @Test
  void shouldPrimeAtMaxRateAndThenSendAtTheFixedRate() throws Exception {
    Path json = dir.resolve("rate.json");

    int exit = load("--clients", "4", "--senders", "2", "--rate", "200", "--json", json.toString());

    assertThat(exit).isZero();
    assertThat(err.toString()).contains("load: priming ", "load: warm-up ", "load: measure ");
    String report = Files.readString(json, StandardCharsets.UTF_8);
    long sent = number(report, "sent");
    // 2 senders x 200/s x ~1 s: the schedule starts after the priming burst, which is not counted.
    assertThat(sent).isBetween(300L, 500L);
    assertThat(number(report, "delivered")).isEqualTo(sent * 3);
    assertThat(number(report, "lost")).isZero();
    assertThat(number(report, "out_of_order")).isZero();
    assertThat(report).containsPattern("\"send_lag_us\":\\{\"p99\":\\d+,\"max\":\\d+\\}");
    assertThat(out.toString()).containsPattern("send lag p99 \\d+\\.\\d\\d ms, max ");
  }

  @Test
  void shouldNotPrimeWhenToldNot() {
    int exit = load("--clients", "2", "--senders", "1", "--rate", "100", "--prime", "0");

    assertThat(exit).isZero();
    assertThat(err.toString()).doesNotContain("priming").contains("load: warm-up ");
  }

  @Test
  void shouldRefuseANegativePrime() {
    assertThat(load("--rate", "10", "--prime", "-1")).isEqualTo(2);
    assertThat(err.toString()).contains("--prime must be 0 or more");
  }

  @Test
  void shouldRefuseMoreSendersThanClients() {
    assertThat(load("--clients", "2", "--senders", "3")).isEqualTo(2);
  }

  @Test
  void shouldRefuseMoreSendersThanATextCanName() {
    assertThat(load("--clients", "20000000", "--senders", "16777217")).isEqualTo(2);
    assertThat(err.toString()).contains("--senders must be 0 to 16777216");
  }

  @Test
  void shouldSendTheLongestTextItAllowsAndRefuseALongerOne() {
    assertThat(load("--clients", "2", "--senders", "1", "--size", "4091"))
        .as(err.toString())
        .isZero();
    assertThat(err.toString()).doesNotContain("too_long");
    assertThat(load("--size", "4092")).isEqualTo(2);
    assertThat(err.toString()).contains("--size must be 32 to 4091");
  }

  @Test
  void shouldRefuseAnUnknownTarget() {
    assertThat(load("--target", "kafka")).isEqualTo(2);
  }
}
