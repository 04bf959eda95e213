package io.ringchat.client.load;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ringchat-client load}: drives a broker with many members and reports what it saw. */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Load generator: N members join, S of them send, every member checks order and gaps.",
      "Exit 1 if any message was lost, reordered or echoed to its sender."
    })
public final class LoadCommand implements Callable<Integer> {
  @Spec private CommandLine.Model.CommandSpec spec;

  private final LoadOptions options = new LoadOptions();

  @Option(
      names = {"-H", "--host"},
      description = "Broker host. Default: 127.0.0.1")
  void host(String value) {
    options.host = value;
  }

  @Option(
      names = {"-p", "--port"},
      description = "Broker port. Default: 7878 (6379 with --target redis)")
  void port(int value) {
    port = value;
  }

  private Integer port;

  @Option(
      names = "--target",
      paramLabel = "KIND",
      description =
          "What to load: ringchat, or redis (Redis pub/sub on one channel, measured the same way,"
              + " for a side-by-side figure). Default: ringchat")
  void target(String value) {
    for (Target t : Target.values()) {
      if (t.optionName().equals(value.toLowerCase(java.util.Locale.ROOT))) {
        options.target = t;
        return;
      }
    }
    throw new CommandLine.ParameterException(
        spec.commandLine(), "--target must be ringchat or redis, got '" + value + "'");
  }

  @Option(names = "--clients", paramLabel = "N", description = "Members in the room. Default: 100")
  void clients(int value) {
    require(value >= 1, "--clients must be at least 1");
    options.clients = value;
  }

  @Option(
      names = "--senders",
      paramLabel = "S",
      description = "How many of them send. Default: 100")
  void senders(int value) {
    require(value >= 0, "--senders must be 0 or more");
    options.senders = value;
  }

  @Option(
      names = "--rate",
      paramLabel = "R",
      description = "Messages/s per sender; 0: as fast as the window allows. Default: 0")
  void rate(double value) {
    require(value >= 0, "--rate must be 0 or more");
    options.rate = value;
  }

  @Option(
      names = "--window",
      paramLabel = "W",
      description =
          "At rate 0, messages per sender in flight: sent but not yet received by the sender's"
              + " observer (the next member). Default: 64")
  void window(int value) {
    require(value >= 1, "--window must be at least 1");
    options.window = value;
  }

  @Option(
      names = "--size",
      paramLabel = "BYTES",
      description = "Message text bytes (at least 32). Default: 64")
  void size(int value) {
    require(value >= 32 && value <= 4096, "--size must be 32 to 4096");
    options.size = value;
  }

  @Option(
      names = "--warmup",
      paramLabel = "SECONDS",
      description = "Warm-up, not measured. Default: 2")
  void warmup(double value) {
    require(value >= 0, "--warmup must be 0 or more");
    options.warmupSeconds = value;
  }

  @Option(names = "--duration", paramLabel = "SECONDS", description = "Measured time. Default: 5")
  void duration(double value) {
    require(value > 0, "--duration must be positive");
    options.durationSeconds = value;
  }

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Event loops for all connections. Default: 1")
  void threads(int value) {
    require(value >= 1, "--threads must be at least 1");
    options.threads = value;
  }

  @Option(names = "--prefix", description = "Member names are PREFIX<i>. Default: load-")
  void prefix(String value) {
    options.prefix = value;
  }

  @Option(
      names = "--source-addresses",
      paramLabel = "N",
      description =
          "Spread connections over N source addresses 127.0.x.y, for more connections than one"
              + " address has ports (loopback only). Default: 1")
  void sourceAddresses(int value) {
    require(value >= 1 && value <= 60_000, "--source-addresses must be 1 to 60000");
    options.sourceAddresses = value;
  }

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON")
  private Path json;

  private void require(boolean ok, String message) {
    if (!ok) {
      throw new CommandLine.ParameterException(spec.commandLine(), message);
    }
  }

  @Override
  public Integer call() throws Exception {
    if (options.senders > options.clients) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--senders cannot exceed --clients");
    }
    options.port = port != null ? port : options.target.defaultPort();
    LoadReport report;
    try {
      report = new LoadRun(options, System.err).execute();
    } catch (IllegalStateException e) {
      System.err.println("ringchat-client load: " + e.getMessage());
      return 1;
    }
    System.out.print(report.text());
    if (json != null) {
      Files.writeString(json, report.json() + "\n", StandardCharsets.UTF_8);
    }
    return report.clean() ? 0 : 1;
  }
}
