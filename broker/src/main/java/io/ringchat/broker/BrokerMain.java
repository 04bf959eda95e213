package io.ringchat.broker;

import io.ringchat.broker.ring.InboundRing;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The broker's command line: parses options, starts the broker, stops it on SIGTERM / Ctrl-C. */
@Command(
    name = "ringchat-broker",
    mixinStandardHelpOptions = true,
    versionProvider = BrokerMain.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "The ringchat chat room broker. Speaks the line protocol of PROTOCOL.md over TCP.")
public final class BrokerMain implements java.util.concurrent.Callable<Integer> {

  @Spec private CommandSpec spec;

  @Option(
      names = "--bind",
      defaultValue = "${env:CHAT_BIND:-" + BrokerConfig.DEFAULT_BIND + "}",
      description = "Address to listen on (env CHAT_BIND). Default: ${DEFAULT-VALUE}.")
  private String bind;

  @Option(
      names = "--port",
      defaultValue = "${env:CHAT_PORT:-" + BrokerConfig.DEFAULT_PORT + "}",
      description = "TCP port; 0 picks a free one (env CHAT_PORT). Default: ${DEFAULT-VALUE}.")
  private int port;

  @Option(
      names = "--max-line",
      paramLabel = "BYTES",
      defaultValue = "" + BrokerConfig.DEFAULT_MAX_LINE,
      description =
          "Longest client line, LF excluded; longer lines get ERR too_long. Default: ${DEFAULT-VALUE}.")
  private int maxLine;

  @Option(
      names = "--max-pending",
      paramLabel = "BYTES",
      defaultValue = "" + BrokerConfig.DEFAULT_MAX_PENDING,
      description =
          "Unsent bytes held per connection; over it: ERR slow_consumer and close. Default: ${DEFAULT-VALUE} (4 MiB).")
  private int maxPending;

  @Option(
      names = "--max-clients",
      paramLabel = "N",
      defaultValue = "" + BrokerConfig.DEFAULT_MAX_CLIENTS,
      description =
          "Connections open at once; the next gets ERR server_full. Default: ${DEFAULT-VALUE}.")
  private int maxClients;

  @Option(
      names = "--join-timeout",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description =
          "Time a connection has to JOIN before it is closed (e.g. 60s, 500ms, 2m). Default: ${DEFAULT-VALUE}.")
  private Duration joinTimeout;

  @Option(
      names = "--presence-limit",
      paramLabel = "N",
      defaultValue = "" + BrokerConfig.DEFAULT_PRESENCE_LIMIT,
      description =
          "JOINED/LEFT are sent only while the room has at most N members; 0 turns them off. Default: ${DEFAULT-VALUE}.")
  private int presenceLimit;

  @Option(
      names = "--ring-size",
      paramLabel = "SLOTS",
      defaultValue = "" + BrokerConfig.DEFAULT_RING_SIZE,
      description =
          "Ring slots between the I/O threads and the room, a power of two. Default: ${DEFAULT-VALUE}.")
  private int ringSize;

  @Option(
      names = "--wait-strategy",
      paramLabel = "STRATEGY",
      defaultValue = "park",
      converter = WaitConverter.class,
      description =
          "How the room waits for work: park, blocking, sleeping, yielding, busy-spin. Default: ${DEFAULT-VALUE}.")
  private InboundRing.Wait waitStrategy;

  @Option(
      names = "--io-threads",
      paramLabel = "N",
      defaultValue = "" + BrokerConfig.DEFAULT_IO_THREADS,
      description = "Netty I/O threads. Default: ${DEFAULT-VALUE}.")
  private int ioThreads;

  @Option(
      names = "--shutdown-timeout",
      paramLabel = "DURATION",
      defaultValue = "5s",
      converter = DurationConverter.class,
      description = "Bound on a graceful stop (SIGTERM, Ctrl-C). Default: ${DEFAULT-VALUE}.")
  private Duration shutdownTimeout;

  @Option(
      names = "--stats-interval",
      paramLabel = "DURATION",
      defaultValue = "0s",
      converter = DurationConverter.class,
      description =
          "Print a stats line this often; 0s: only at shutdown. Default: ${DEFAULT-VALUE}.")
  private Duration statsInterval;

  @Option(
      names = "--max-rate",
      paramLabel = "LINES",
      defaultValue = "0",
      description =
          "Flood control: lines per second per connection (burst: a tenth of a second's worth, at"
              + " least 8); over it the connection is not read for a while, never dropped. 0: off."
              + " Default: ${DEFAULT-VALUE}.")
  private int maxRate;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured picocli command line; tests run it in process. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new BrokerMain());
    cli.setParameterExceptionHandler(BrokerMain::usageError);
    return cli;
  }

  /** A usage mistake: one line saying what is wrong and where to look, exit 2. */
  private static int usageError(CommandLine.ParameterException e, String[] args) {
    PrintWriter err = e.getCommandLine().getErr();
    err.println("ringchat-broker: " + e.getMessage());
    err.println("Try 'ringchat-broker --help' for the options.");
    return CommandLine.ExitCode.USAGE;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    BrokerConfig config;
    try {
      config =
          BrokerConfig.builder()
              .bind(bind)
              .port(port)
              .maxLineBytes(maxLine)
              .maxPendingBytes(maxPending)
              .maxClients(maxClients)
              .joinTimeout(joinTimeout)
              .presenceLimit(presenceLimit)
              .ringSize(ringSize)
              .waitStrategy(waitStrategy)
              .ioThreads(ioThreads)
              .shutdownTimeout(shutdownTimeout)
              .statsInterval(statsInterval)
              .maxRate(maxRate)
              .build();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    Broker broker;
    try {
      broker = Broker.start(config);
    } catch (BindFailedException e) {
      err.println("ringchat-broker: " + e.getMessage());
      err.flush();
      return 1;
    }
    out.printf(
        Locale.ROOT,
        "ringchat broker listening on %s:%d (transport %s, %d I/O thread%s, ring %d, wait %s)%n",
        config.bind(),
        broker.address().getPort(),
        broker.transportName(),
        config.ioThreads(),
        config.ioThreads() == 1 ? "" : "s",
        config.ringSize(),
        config.waitStrategy().optionName());
    out.flush();
    ScheduledExecutorService stats = startStats(broker, out);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(broker, stats, out), "ringchat-stop"));
    new CountDownLatch(1).await(); // the broker runs on its own threads until the JVM is stopped
    return 0;
  }

  private static ScheduledExecutorService startStats(Broker broker, PrintWriter out) {
    long periodMillis = broker.config().statsInterval().toMillis();
    if (periodMillis <= 0) {
      return null;
    }
    ScheduledExecutorService stats =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "ringchat-stats");
              t.setDaemon(true);
              return t;
            });
    ScheduledFuture<?> unused =
        stats.scheduleAtFixedRate(
            () -> {
              out.println("stats " + broker.counters().line());
              out.flush();
            },
            periodMillis,
            periodMillis,
            TimeUnit.MILLISECONDS);
    return stats;
  }

  private static void stop(Broker broker, ScheduledExecutorService stats, PrintWriter out) {
    if (stats != null) {
      stats.shutdownNow();
    }
    boolean clean;
    try {
      clean = broker.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      clean = false;
    }
    out.println("ringchat broker stopped" + (clean ? "" : " (timed out)"));
    out.println("stats " + broker.counters().line());
    out.flush();
    // A JVM stopped by SIGTERM exits with 143 whatever its hooks do; halting from the hook is the
    // one way to report a clean, graceful stop as 0.
    Runtime.getRuntime().halt(clean ? 0 : 1);
  }

  /** Parses durations such as {@code 60s}, {@code 500ms}, {@code 2m}, {@code 1h}, or ISO-8601. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      try {
        if (v.startsWith("p")) {
          return Duration.parse(v.toUpperCase(Locale.ROOT));
        }
        if (v.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        long amount = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (v.charAt(v.length() - 1)) {
          case 's' -> Duration.ofSeconds(amount);
          case 'm' -> Duration.ofMinutes(amount);
          case 'h' -> Duration.ofHours(amount);
          default -> throw new NumberFormatException();
        };
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException(
            "'" + value + "' is not a duration; use e.g. 60s, 500ms, 2m");
      }
    }
  }

  /**
   * Parses {@code park}, {@code blocking}, {@code sleeping}, {@code yielding} or {@code busy-spin}.
   */
  static final class WaitConverter implements CommandLine.ITypeConverter<InboundRing.Wait> {
    @Override
    public InboundRing.Wait convert(String value) {
      for (InboundRing.Wait wait : InboundRing.Wait.values()) {
        if (wait.optionName().equals(value.toLowerCase(Locale.ROOT))) {
          return wait;
        }
      }
      throw new CommandLine.TypeConversionException(
          "'"
              + value
              + "' is not a wait strategy; use park, blocking, sleeping, yielding or busy-spin");
    }
  }

  /** The version from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = BrokerMain.class.getPackage().getImplementationVersion();
      return new String[] {
        "ringchat-broker " + (version == null ? "(development build)" : version)
      };
    }
  }
}
