package io.ringchat.broker;

import io.ringchat.cli.CommandLines;
import io.ringchat.cli.EnumOption;
import io.ringchat.cli.VersionFromManifest;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The broker's command line: parses options, starts the broker, stops it on SIGTERM / Ctrl-C. */
@Command(
    name = "ringchat-broker",
    mixinStandardHelpOptions = true,
    versionProvider = VersionFromManifest.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "The ringchat chat room broker. Speaks the line protocol of docs/PROTOCOL.md over TCP (or"
            + " TLS), and over WebSocket beside its web page, /metrics and /healthz on the HTTP port.")
public final class BrokerMain implements java.util.concurrent.Callable<Integer> {

  @Spec private CommandSpec spec;

  /** Every broker option, declared once. */
  @Mixin private BrokerConfig config;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The configured picocli command line; tests run it in process, and the client module's docs test
   * reads its options.
   */
  public static CommandLine commandLine() {
    return CommandLines.of(new BrokerMain());
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      config.validate(); // also loads --tls-cert and --tls-key
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
    } catch (RuntimeException e) {
      if (config.cluster() == null) {
        throw e;
      }
      // Aeron's failures (files in use, a port taken, no leader) in one line, not a stack trace.
      err.println("ringchat-broker: cannot join the cluster: " + oneLine(e));
      err.flush();
      return 1;
    }
    out.printf(
        Locale.ROOT,
        "ringchat broker listening on %s:%d (transport %s%s, %d I/O thread%s, ring %d, wait %s)%n",
        config.bind(),
        broker.address().getPort(),
        broker.transportName(),
        config.tls() == null ? "" : ", TLS",
        config.ioThreads(),
        config.ioThreads() == 1 ? "" : "s",
        config.ringSize(),
        EnumOption.optionName(config.waitStrategy()));
    if (broker.httpAddress() != null) {
      out.printf(
          Locale.ROOT,
          "ringchat http at %s://%s:%d/ (chat page /, WebSocket /ws, /metrics, /healthz)%n",
          config.tls() == null ? "http" : "https",
          config.bind(),
          broker.httpAddress().getPort());
    }
    out.flush();
    ReadyFile ready = readyFile(broker, err);
    ScheduledExecutorService stats = startStats(broker, out);
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> stop(broker, stats, ready, out), "ringchat-stop"));
    new CountDownLatch(1).await(); // the broker runs on its own threads until the JVM is stopped
    return 0;
  }

  /** Writes {@code --ready-file}, and again at every change of the cluster role; or null. */
  private static ReadyFile readyFile(Broker broker, PrintWriter err) {
    if (broker.config().readyFile() == null) {
      return null;
    }
    ReadyFile ready =
        new ReadyFile(
            broker.config().readyFile(),
            ProcessHandle.current().pid(),
            broker.address().getPort(),
            broker.httpAddress() == null ? 0 : broker.httpAddress().getPort());
    Runnable write =
        () -> {
          try {
            ready.write(broker.role());
          } catch (UncheckedIOException e) {
            err.println("ringchat-broker: " + e.getMessage());
            err.flush();
          }
        };
    broker.onRoleChange(write);
    write.run(); // after registering: a change in between is written either way
    return ready;
  }

  private static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.lines().findFirst().orElse(message);
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

  private static void stop(
      Broker broker, ScheduledExecutorService stats, ReadyFile ready, PrintWriter out) {
    if (stats != null) {
      stats.shutdownNow();
    }
    if (ready != null) {
      broker.onRoleChange(() -> {});
      ready.delete();
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
}
