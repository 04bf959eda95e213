package io.ringchat.client.load;

import static io.ringchat.client.load.JsonReports.number;
import static org.assertj.core.api.Assertions.assertThat;

import io.ringchat.broker.Broker;
import io.ringchat.broker.BrokerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A short load run against a real broker: nothing lost, and a report with every field. */
class LoadCommandIT {
  @TempDir Path dir;
  private Broker broker;

  @BeforeEach
  void start() throws InterruptedException {
    broker = Broker.start(BrokerConfig.builder().bind("127.0.0.1").port(0).build());
  }

  @AfterEach
  void stop() throws InterruptedException {
    broker.stop();
  }

  private int load(String... extra) {
    String[] base = {
      "-H", "127.0.0.1", "-p", "" + broker.address().getPort(), "--warmup", "0.5", "--duration", "1"
    };
    String[] args = new String[base.length + extra.length];
    System.arraycopy(base, 0, args, 0, base.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    return new CommandLine(new LoadCommand()).execute(args);
  }

  @Test
  void shouldDeliverEverythingInWindowModeAndWriteTheJsonReport() throws Exception {
    Path json = dir.resolve("report.json");

    int exit = load("--clients", "20", "--senders", "5", "--json", json.toString());

    assertThat(exit).isZero();
    String report = Files.readString(json, StandardCharsets.UTF_8);
    assertThat(report)
        .contains("\"clients\":20", "\"senders\":5", "\"size\":64", "\"lost\":0")
        .contains("\"out_of_order\":0", "\"self_deliveries\":0", "\"duration_s\":")
        .contains("\"sent\":", "\"delivered\":", "\"expected\":", "\"sent_per_sec\":")
        .contains("\"delivered_per_sec\":", "\"latency_us\":{\"p50\":", "\"p999\":", "\"max\":");
    long sent = number(report, "sent");
    assertThat(sent).isPositive();
    assertThat(number(report, "delivered")).isEqualTo(sent * 19);
  }

  @Test
  void shouldSendAtTheFixedRate() throws Exception {
    Path json = dir.resolve("rate.json");

    int exit = load("--clients", "4", "--senders", "2", "--rate", "200", "--json", json.toString());

    assertThat(exit).isZero();
    long sent = number(Files.readString(json, StandardCharsets.UTF_8), "sent");
    assertThat(sent).isBetween(300L, 500L); // 2 senders x 200/s x ~1 s
  }

  @Test
  void shouldRefuseMoreSendersThanClients() {
    assertThat(load("--clients", "2", "--senders", "3")).isEqualTo(2);
  }

  @Test
  void shouldRefuseAnUnknownTarget() {
    assertThat(load("--target", "kafka")).isEqualTo(2);
  }
}
