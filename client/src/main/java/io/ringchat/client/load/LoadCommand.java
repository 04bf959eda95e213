package io.ringchat.client.load;

import io.ringchat.cli.EnumOption;
import io.ringchat.protocol.Protocol;
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
      order = 1,
      names = {"-H", "--host"},
      defaultValue = "127.0.0.1",
      description =
          "Broker host, or brokers serving one room together (a,b:7879,c): the members are"
              + " spread over them in turn. Default: ${DEFAULT-VALUE}")
  void host(String value) {
    options.host = value;
  }

  @Option(
      order = 2,
      names = {"-p", "--port"},
      description =
          "Broker port. Default: "
              + Protocol.DEFAULT_PORT
              + " ("
              + Protocol.DEFAULT_HTTP_PORT
              + " with --target websocket, 6379 with --target redis)")
  void port(int value) {
    port = value;
  }

  private Integer port;

  @Option(
      order = 3,
      names = "--target",
      paramLabel = "KIND",
      defaultValue = "ringchat",
      converter = TargetOption.class,
      description =
          "What to load: ringchat (the chat port), websocket (the broker's /ws on its HTTP port),"
              + " or redis (Redis pub/sub on one channel, measured the same way, for a side-by-side"
              + " figure). Default: ${DEFAULT-VALUE}")
  void target(Target value) {
    options.target = value;
  }

  /** Parses {@code --target}. */
  static final class TargetOption extends EnumOption<Target> {
    TargetOption() {
      super(Target.class, "a load target");
    }
  }

  @Option(
      order = 4,
      names = "--clients",
      paramLabel = "N",
      defaultValue = "100",
      description = "Members in the room. Default: ${DEFAULT-VALUE}")
  void clients(int value) {
    require(value >= 1, "--clients must be at least 1");
    options.clients = value;
  }

  @Option(
      order = 5,
      names = "--senders",
      paramLabel = "S",
      defaultValue = "100",
      description = "How many of them send. Default: ${DEFAULT-VALUE}")
  void senders(int value) {
    require(
        value >= 0 && value <= MessageText.MAX_SENDERS,
        "--senders must be 0 to " + MessageText.MAX_SENDERS);
    options.senders = value;
  }

  @Option(
      order = 6,
      names = "--rate",
      paramLabel = "R",
      defaultValue = "0",
      description =
          "Messages/s per sender; 0: as fast as the window allows. Default: ${DEFAULT-VALUE}")
  void rate(double value) {
    require(value >= 0, "--rate must be 0 or more");
    options.rate = value;
  }

  @Option(
      order = 7,
      names = "--window",
      paramLabel = "W",
      defaultValue = "64",
      description =
          "At rate 0, messages per sender in flight: sent but not yet received by all the"
              + " sender's observers (the next member on each --threads thread). Default:"
              + " ${DEFAULT-VALUE}")
  void window(int value) {
    require(value >= 1, "--window must be at least 1");
    options.window = value;
  }

  @Option(
      order = 8,
      names = "--size",
      paramLabel = "BYTES",
      defaultValue = "64",
      description =
          "Message text bytes (32 to "
              + MAX_SIZE
              + ": a SEND line, command word included, is at most "
              + Protocol.DEFAULT_MAX_LINE
              + " bytes at a broker's default --max-line). Default: ${DEFAULT-VALUE}")
  void size(int value) {
    require(
        value >= 32 && value <= MAX_SIZE,
        "--size must be 32 to "
            + MAX_SIZE
            + " (a SEND line, command word included, is at most "
            + Protocol.DEFAULT_MAX_LINE
            + " bytes)");
    options.size = value;
  }

  /**
   * The longest text whose {@code SEND} line a broker takes at its default {@code --max-line}: up
   * to 4096 here, the longest sizes' lines were refused with {@code ERR too_long}.
   */
  static final int MAX_SIZE = Protocol.DEFAULT_MAX_LINE - 5; // "SEND " before the text

  @Option(
      order = 9,
      names = "--warmup",
      paramLabel = "SECONDS",
      defaultValue = "10",
      description =
          "Warm-up, not measured: long enough for the broker's JIT and, at a fixed --rate, the"
              + " generator's own. Default: ${DEFAULT-VALUE}")
  void warmup(double value) {
    require(value >= 0, "--warmup must be 0 or more");
    options.warmupSeconds = value;
  }

  @Option(
      order = 10,
      names = "--prime",
      paramLabel = "SECONDS",
      defaultValue = "2",
      description =
          "At a fixed --rate, the warm-up's first SECONDS (at most half of it) run at max rate,"
              + " so that the generator's own code is compiled before it measures: at low rates"
              + " its p99 would otherwise be its own JIT's. 0: no priming. Default:"
              + " ${DEFAULT-VALUE}")
  void prime(double value) {
    require(value >= 0, "--prime must be 0 or more");
    options.primeSeconds = value;
  }

  @Option(
      order = 11,
      names = "--duration",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description = "Measured time. Default: ${DEFAULT-VALUE}")
  void duration(double value) {
    require(value > 0, "--duration must be positive");
    options.durationSeconds = value;
  }

  @Option(
      order = 12,
      names = "--threads",
      paramLabel = "N",
      defaultValue = "1",
      description = "Event loops for all connections. Default: ${DEFAULT-VALUE}")
  void threads(int value) {
    require(value >= 1, "--threads must be at least 1");
    options.threads = value;
  }

  @Option(
      order = 13,
      names = "--prefix",
      defaultValue = "load-",
      description = "Member names are PREFIX<i>. Default: ${DEFAULT-VALUE}")
  void prefix(String value) {
    options.prefix = value;
  }

  @Option(
      order = 14,
      names = "--source-addresses",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Spread connections over N source addresses 127.0.x.y, for more connections than one"
              + " address has ports (loopback only). Default: ${DEFAULT-VALUE}")
  void sourceAddresses(int value) {
    require(value >= 1 && value <= 60_000, "--source-addresses must be 1 to 60000");
    options.sourceAddresses = value;
  }

  @Option(
      order = 15,
      names = "--resume",
      description =
          "Members join positioned (JOIN <name> HISTORY 0, protocol 1.1): they get POST and SENT"
              + " lines, and can come back with SINCE after a lost connection.")
  void resume(boolean value) {
    options.resume = value;
  }

  @Option(
      order = 16,
      names = "--drop-every",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description =
          "With --resume: each member drops its connection this often (members spread over the"
              + " period; a sender first waits for the SENT of everything it wrote) and joins"
              + " again with SINCE; the report checks that each still got every message exactly"
              + " once, in order. 0: never. Default: ${DEFAULT-VALUE}")
  void dropEvery(double value) {
    require(value >= 0, "--drop-every must be 0 or more");
    options.dropEverySeconds = value;
  }

  @Option(
      order = 17,
      names = "--json",
      paramLabel = "FILE",
      description = "Also write the report as JSON")
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
    if (options.dropEverySeconds > 0 && !options.resume) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--drop-every needs --resume: a member that joins plainly again misses what was said"
              + " while it was away");
    }
    if (options.resume && options.target == Target.REDIS) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--resume is for ringchat and websocket targets, not redis");
    }
    options.port = port != null ? port : options.target.defaultPort();
    LoadReport report;
    try {
      report = new LoadRun(options, spec.commandLine().getErr()).execute();
    } catch (IllegalStateException e) {
      spec.commandLine().getErr().println("ringchat-client load: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    }
    spec.commandLine().getOut().print(report.text());
    spec.commandLine().getOut().flush();
    if (json != null) {
      Files.writeString(json, report.json() + "\n", StandardCharsets.UTF_8);
    }
    return report.clean() ? 0 : 1;
  }
}
