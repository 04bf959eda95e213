package io.ringchat.broker;

import io.netty.handler.ssl.SslContext;
import io.ringchat.broker.cluster.ClusterContext;
import io.ringchat.broker.cluster.ClusterMembers;
import io.ringchat.broker.net.AddressLimits;
import io.ringchat.broker.net.ConnectionLimits;
import io.ringchat.broker.net.ServerTls;
import io.ringchat.broker.ring.InboundRing;
import io.ringchat.broker.room.HistoryOptions;
import io.ringchat.broker.web.AddressRanges;
import io.ringchat.broker.web.OriginPolicy;
import io.ringchat.cli.DurationConverter;
import io.ringchat.cli.EnumOption;
import io.ringchat.cli.KeepAlive;
import io.ringchat.protocol.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Everything the broker can be told. Each option is declared once, here: its name, its default (the
 * one picocli parses, shown in {@code --help} as {@code ${DEFAULT-VALUE}}), its help text, and
 * below in {@link #validate()} its limits. The command line fills it as a mixin of {@link
 * BrokerMain}; tests and benchmarks build one with {@link #parse}, from the same flags a user
 * types.
 *
 * <p>Filled and validated once on the starting thread, then only read.
 */
public final class BrokerConfig {
  @Option(
      names = "--bind",
      paramLabel = "ADDRESS",
      defaultValue = "${env:CHAT_BIND:-0.0.0.0}",
      description = "Address to listen on (env CHAT_BIND). Default: ${DEFAULT-VALUE}.")
  private String bind;

  @Option(
      names = "--port",
      defaultValue = "${env:CHAT_PORT:-" + Protocol.DEFAULT_PORT + "}",
      description = "TCP port; 0 picks a free one (env CHAT_PORT). Default: ${DEFAULT-VALUE}.")
  private int port;

  @Option(
      names = "--max-line",
      paramLabel = "BYTES",
      defaultValue = "" + Protocol.DEFAULT_MAX_LINE,
      description =
          "Longest client line, command word included, LF excluded (so a message may have 5 bytes"
              + " less); longer lines get ERR too_long. Default: ${DEFAULT-VALUE}.")
  private int maxLineBytes;

  @Option(
      names = "--max-pending",
      paramLabel = "BYTES",
      defaultValue = "4194304",
      description =
          "Unsent bytes held per connection (at least 1024); over it: ERR slow_consumer and close."
              + " Default: ${DEFAULT-VALUE} (4 MiB).")
  private int maxPendingBytes;

  @Option(
      names = "--max-clients",
      paramLabel = "N",
      defaultValue = "10000",
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
      defaultValue = "1000",
      description =
          "JOINED/LEFT are sent only while the room has at most N members; 0 turns them off. Default: ${DEFAULT-VALUE}.")
  private int presenceLimit;

  @Option(
      names = "--history",
      paramLabel = "N",
      defaultValue = "1000",
      description =
          "Messages the room keeps in memory for members that join with HISTORY or SINCE (protocol"
              + " 1.1); 0 keeps none. Gone when the broker stops. Default: ${DEFAULT-VALUE}.")
  private int historyMessages;

  @Option(
      names = "--history-bytes",
      paramLabel = "BYTES",
      defaultValue = "8388608",
      description =
          "Bytes of kept messages (their POST lines) at most; the oldest fall out first."
              + " Default: ${DEFAULT-VALUE} (8 MiB).")
  private long historyBytes;

  @Option(
      names = "--refuse-positioned-joins",
      defaultValue = "false",
      description =
          "Answer JOIN with HISTORY or SINCE with bad_name, as a broker of protocol version 1 does:"
              + " for testing clients against one. Default: ${DEFAULT-VALUE}.")
  private boolean version1Joins;

  @Option(
      names = "--ring-size",
      paramLabel = "SLOTS",
      defaultValue = "65536",
      description =
          "Ring slots between the I/O threads and the room, a power of two. Default: ${DEFAULT-VALUE}.")
  private int ringSize;

  @Option(
      names = "--wait-strategy",
      paramLabel = "STRATEGY",
      defaultValue = "park",
      converter = WaitOption.class,
      description =
          "How the room waits for work: park (spin 5 µs, then sleep until woken: no CPU when idle),"
              + " blocking, sleeping, yielding, busy-spin. Default: ${DEFAULT-VALUE}.")
  private InboundRing.Wait waitStrategy;

  @Option(
      names = "--io-threads",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Netty I/O threads (1 to 256); one beat two on 2 cores, where the room needs the other."
              + " Default: ${DEFAULT-VALUE}.")
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
      names = "--keepalive",
      paramLabel = "DURATION",
      defaultValue = "30s",
      converter = DurationConverter.class,
      description =
          "TCP keepalive: a connection quiet this long is probed 3 times, a third of it apart, and"
              + " one whose peer vanished (no FIN, no RST) fails within twice this, messages"
              + " flowing or not (epoll; on NIO only while idle); 0s: the kernel's defaults (hours)."
              + " Default: ${DEFAULT-VALUE}.")
  private Duration keepAlive;

  @Option(
      names = "--max-rate",
      paramLabel = "LINES",
      defaultValue = "20",
      description =
          "Flood control: lines per second per connection, with a burst of 5 seconds' worth; over"
              + " it the connection is not read for a while, never dropped, nothing lost. 0: off."
              + " Default: ${DEFAULT-VALUE}.")
  private int maxRate;

  @Option(
      names = "--max-clients-per-address",
      paramLabel = "N|P%",
      defaultValue = "1%",
      description =
          "Connections open at once from one address (IPv6: one /64), on both ports, as a number"
              + " or a percentage of --max-clients (at least 1); the next gets ERR server_full"
              + " naming this limit. 0: off. Default: ${DEFAULT-VALUE}.")
  private String maxClientsPerAddress;

  /** {@link #maxClientsPerAddress} as a number, once validated. */
  private int clientsPerAddress;

  @Option(
      names = "--max-address-rate",
      paramLabel = "BYTES",
      defaultValue = "4096",
      description =
          "Flood control: bytes of lines per second from one address, all its connections"
              + " together, with a burst of 5 seconds' worth; over it, its connections are not read"
              + " for a while. 0: off. Default: ${DEFAULT-VALUE} (4 KiB/s).")
  private long maxAddressRate;

  @Option(
      names = "--max-joins-per-address",
      paramLabel = "N",
      defaultValue = "20",
      description =
          "Flood control: JOINs per second from one address, with a burst of 5 seconds' worth (a"
              + " LEAVE follows a JOIN, so this paces presence lines); over it, the joining"
              + " connection is not read for a while. 0: off. Default: ${DEFAULT-VALUE}.")
  private int maxJoinsPerAddress;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      defaultValue = "${env:CHAT_HTTP_PORT:-" + Protocol.DEFAULT_HTTP_PORT + "}",
      description =
          "HTTP port: the chat page (/), WebSocket chat (/ws), /metrics and /healthz, on --bind's"
              + " address; 0 picks a free one (env CHAT_HTTP_PORT). Default: ${DEFAULT-VALUE}.")
  private int httpPort;

  @Option(
      names = "--no-http",
      defaultValue = "false",
      description =
          "No HTTP listener: no page, WebSocket, /metrics or /healthz. Default: ${DEFAULT-VALUE}.")
  private boolean noHttp;

  @Option(
      names = "--allowed-origins",
      paramLabel = "ORIGINS",
      defaultValue = "self",
      description =
          "Web pages that may open /ws, comma-separated: self (the page this broker serves, by the"
              + " request's Host), origins such as https://chat.example.org, or * for any; others"
              + " get 403. Requests without Origin (not a browser) are allowed. Default:"
              + " ${DEFAULT-VALUE}.")
  private String allowedOrigins;

  @Option(
      names = "--metrics-allow",
      paramLabel = "CIDRS",
      defaultValue = "127.0.0.0/8,::1/128",
      description =
          "Addresses (CIDR ranges, comma-separated) that may read /metrics; others get 403."
              + " Default: ${DEFAULT-VALUE}.")
  private String metricsAllow;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      defaultValue = "",
      description =
          "PEM certificate chain: with --tls-key, the chat port speaks TLS and the HTTP port"
              + " HTTPS/WSS. Default: ${DEFAULT-VALUE}(none: plain text).")
  private String tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "FILE",
      defaultValue = "",
      description =
          "PEM private key (PKCS#8, unencrypted: openssl's default) of --tls-cert."
              + " Default: ${DEFAULT-VALUE}(none).")
  private String tlsKey;

  @Option(
      names = "--cluster-members",
      paramLabel = "HOST:PORT,...",
      defaultValue = "",
      description =
          "Brokers serving one room together (Aeron Cluster), each host:base-port; member i uses"
              + " ports base to base+4 (ingress, consensus, log, catch-up, archive). Default:"
              + " ${DEFAULT-VALUE}(none: a room of its own).")
  private String clusterMembers;

  @Option(
      names = "--cluster-id",
      paramLabel = "I",
      defaultValue = "-1",
      description =
          "This process is member I (0-based) of --cluster-members, and serves chat; without it,"
              + " a process with --cluster-members serves chat as a front-end only. Default:"
              + " ${DEFAULT-VALUE} (none).")
  private int clusterId;

  @Option(
      names = "--cluster-dir",
      paramLabel = "DIR",
      defaultValue = "",
      description =
          "The member's log, snapshots and archive; restarting with it rejoins and catches up."
              + " Default: ${DEFAULT-VALUE}(./ringchat-cluster-<id>).")
  private String clusterDir;

  @Option(
      names = "--cluster-hold",
      paramLabel = "DURATION",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description =
          "With no cluster leader reachable, messages are held this long, then refused with ERR"
              + " unavailable. Default: ${DEFAULT-VALUE}.")
  private Duration clusterHold;

  @Option(
      names = "--cluster-connect-timeout",
      paramLabel = "DURATION",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description =
          "How long a starting broker waits for a cluster leader to talk to, then exits 1 (a"
              + " majority of the members must be up). Default: ${DEFAULT-VALUE}.")
  private Duration clusterConnectTimeout;

  @Option(
      names = "--cluster-idle-park",
      paramLabel = "DURATION",
      defaultValue = "100ms",
      converter = DurationConverter.class,
      description =
          "The longest an idle thread of the cluster (Aeron's agents, the link) sleeps when nothing"
              + " wakes it (work and arriving packets wake it at once): longer costs an idle member"
              + " less CPU and makes Aeron's timers later. Default: ${DEFAULT-VALUE}.")
  private Duration clusterIdlePark;

  @Option(
      names = "--cluster-mtu",
      paramLabel = "BYTES",
      defaultValue = "1408",
      description =
          "The largest datagram the cluster's processes send each other (Aeron's MTU), a multiple"
              + " of 32 from 1024 to 8192: 8192 where the members share one host or the network"
              + " carries jumbo frames (a busy room in fewer datagrams); a datagram larger than the"
              + " network's MTU goes as IP fragments. Default: ${DEFAULT-VALUE}.")
  private int clusterMtu;

  @Option(
      names = "--cluster-snapshot-bytes",
      paramLabel = "BYTES",
      defaultValue = "67108864",
      description =
          "The leader has every member snapshot the room each time the log grew by this much"
              + " (a restarting member replays from the snapshot); once every member has a"
              + " snapshot, the log before the one before is deleted, so a member keeps at most"
              + " about 2.25 times this of log. Default: ${DEFAULT-VALUE} (64 MiB, about 500,000"
              + " messages).")
  private long clusterSnapshotBytes;

  @Option(
      names = "--ready-file",
      paramLabel = "PATH",
      defaultValue = "",
      description =
          "Once listening, write {\"pid\":N,\"chat_port\":N,\"http_port\":N,\"role\":\"...\"}"
              + " here (role: single, leader, follower or front-end), again at every change of"
              + " cluster role, each time by renaming a whole file into place; deleted on a clean"
              + " stop. Default: ${DEFAULT-VALUE}(none).")
  private String readyFile;

  // Parsed by validate(), from the options above.
  private ClusterMembers cluster;

  private OriginPolicy origins;
  private AddressRanges metricsAllowed;
  private SslContext tls;

  /** Picocli's, and {@link #parse}'s: the fields are filled by parsing. */
  BrokerConfig() {}

  /**
   * A config from command-line flags, the rest at their defaults, as {@code ringchat-broker} would
   * read them; throws {@link IllegalArgumentException} with the one-line message a user would see.
   */
  public static BrokerConfig parse(String... args) {
    BrokerConfig config = new BrokerConfig();
    CommandLine cli = new CommandLine(new Options(config));
    try {
      cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    config.validate();
    return config;
  }

  /** {@link #parse}'s command: the config as a mixin, as in {@link BrokerMain}. */
  @CommandLine.Command(name = "ringchat-broker")
  private static final class Options {
    @SuppressWarnings("UnusedVariable") // picocli reads it, to fill the config it holds
    @CommandLine.Mixin
    BrokerConfig config;

    Options(BrokerConfig config) {
      this.config = config;
    }
  }

  /** Checks every option's limits; throws with a one-line message naming the option. */
  void validate() {
    check(port >= 0 && port <= 65_535, "--port must be 0 to 65535, got " + port);
    check(maxLineBytes >= 1, "--max-line must be at least 1, got " + maxLineBytes);
    check(
        maxPendingBytes >= 1024,
        "--max-pending must be at least 1024 bytes, got " + maxPendingBytes);
    check(maxClients >= 1, "--max-clients must be at least 1, got " + maxClients);
    check(
        !joinTimeout.isNegative() && !joinTimeout.isZero(),
        "--join-timeout must be positive, got " + joinTimeout.toMillis() + " ms");
    check(presenceLimit >= 0, "--presence-limit must be 0 or more, got " + presenceLimit);
    check(historyMessages >= 0, "--history must be 0 or more, got " + historyMessages);
    check(historyBytes >= 0, "--history-bytes must be 0 or more, got " + historyBytes);
    check(
        ringSize >= 2 && Integer.bitCount(ringSize) == 1,
        "--ring-size must be a power of two of at least 2, got " + ringSize);
    check(ioThreads >= 1 && ioThreads <= 256, "--io-threads must be 1 to 256, got " + ioThreads);
    check(!shutdownTimeout.isNegative(), "--shutdown-timeout must not be negative");
    check(!statsInterval.isNegative(), "--stats-interval must not be negative");
    check(
        maxRate >= 0 && maxRate <= 1_000_000,
        "--max-rate must be 0 (off) to 1000000, got " + maxRate);
    clientsPerAddress = clientsPerAddress(maxClientsPerAddress, maxClients);
    check(
        maxAddressRate >= 0 && maxAddressRate <= 1_000_000_000L,
        "--max-address-rate must be 0 (off) to 1000000000 bytes/s, got " + maxAddressRate);
    check(
        maxJoinsPerAddress >= 0 && maxJoinsPerAddress <= 1_000_000,
        "--max-joins-per-address must be 0 (off) to 1000000, got " + maxJoinsPerAddress);
    check(
        keepAlive.isZero() || keepAlive.compareTo(Duration.ofSeconds(1)) >= 0,
        "--keepalive must be 0s (off) or at least 1s, got " + keepAlive.toMillis() + " ms");
    check(httpPort >= 0 && httpPort <= 65_535, "--http-port must be 0 to 65535, got " + httpPort);
    check(
        noHttp || httpPort == 0 || httpPort != port,
        "--http-port must differ from --port (both " + port + "); or give --no-http");
    origins = OriginPolicy.parse(allowedOrigins);
    metricsAllowed = AddressRanges.parse(metricsAllow);
    check(
        tlsCert.isEmpty() == tlsKey.isEmpty(),
        "--tls-cert and --tls-key go together: give both, or neither");
    tls = tlsCert.isEmpty() ? null : ServerTls.load(Path.of(tlsCert), Path.of(tlsKey));
    cluster = clusterMembers.isBlank() ? null : ClusterMembers.parse(clusterMembers);
    check(
        clusterId == -1 || (cluster != null && clusterId >= 0 && clusterId < cluster.size()),
        cluster == null
            ? "--cluster-id needs --cluster-members"
            : "--cluster-id must be 0 to " + (cluster.size() - 1) + ", got " + clusterId);
    check(
        clusterSnapshotBytes >= 1024,
        "--cluster-snapshot-bytes must be at least 1024, got " + clusterSnapshotBytes);
    check(
        readyFile.isEmpty() || readyFileParentExists(),
        "--ready-file " + readyFile + ": its directory does not exist");
    check(
        !clusterHold.isNegative() && !clusterHold.isZero(),
        "--cluster-hold must be positive, got " + clusterHold.toMillis() + " ms");
    check(
        !clusterConnectTimeout.isNegative() && !clusterConnectTimeout.isZero(),
        "--cluster-connect-timeout must be positive, got "
            + clusterConnectTimeout.toMillis()
            + " ms");
    check(
        clusterIdlePark.toMillis() >= 1 && clusterIdlePark.toMillis() <= 100,
        "--cluster-idle-park must be 1ms to 100ms, got " + clusterIdlePark.toMillis() + " ms");
    ClusterContext.checkMtuLength(clusterMtu);
    if (cluster != null) {
      clusterContext(); // the options against the cluster's sizes (--max-line against a message)
    }
  }

  private boolean readyFileParentExists() {
    Path parent = Path.of(readyFile).toAbsolutePath().getParent();
    return parent != null && Files.isDirectory(parent);
  }

  /** Where to say that the broker is ready ({@code --ready-file}), or null. */
  public Path readyFile() {
    return readyFile.isEmpty() ? null : Path.of(readyFile);
  }

  /** The cluster's members, or null for a broker with a room of its own. */
  public ClusterMembers cluster() {
    return cluster;
  }

  /** This process's member id, or -1 for a front-end only (or no cluster). */
  public int clusterId() {
    return clusterId;
  }

  /** The member's directory: {@code --cluster-dir}, or {@code ./ringchat-cluster-<id>}. */
  public Path clusterDir() {
    return clusterDir.isBlank() ? Path.of("ringchat-cluster-" + clusterId) : Path.of(clusterDir);
  }

  public long clusterSnapshotBytes() {
    return clusterSnapshotBytes;
  }

  /** The cluster's timeouts and sizes, with the options filled in, concluded. */
  public ClusterContext clusterContext() {
    long holdNs = clusterHold.toNanos();
    return new ClusterContext()
        .holdNs(holdNs)
        .connectTimeoutNs(clusterConnectTimeout.toNanos())
        .idleParkNs(clusterIdlePark.toNanos())
        .mtuLength(clusterMtu)
        // A lost ingress message is offered again within half the hold, so a short hold does not
        // refuse what a resend would have got ordered.
        .ingressResendNs(Math.min(TimeUnit.SECONDS.toNanos(1), Math.max(1, holdNs / 2)))
        .snapshotIntervalBytes(clusterSnapshotBytes)
        .maxLineBytes(maxLineBytes)
        .maxPendingBytes(maxPendingBytes)
        .conclude();
  }

  public Duration clusterHold() {
    return clusterHold;
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Parses {@code --wait-strategy}. */
  static final class WaitOption extends EnumOption<InboundRing.Wait> {
    WaitOption() {
      super(InboundRing.Wait.class, "a wait strategy");
    }
  }

  /** The limits every connection lives under, as the I/O side takes them. */
  ConnectionLimits connectionLimits() {
    return new ConnectionLimits(
        maxClients,
        maxLineBytes,
        joinTimeout.toNanos(),
        maxRate,
        new AddressLimits(clientsPerAddress, maxAddressRate, maxJoinsPerAddress),
        !version1Joins);
  }

  /** Reads {@code --max-clients-per-address}: N, or P% of {@code --max-clients}, at least 1. */
  private static int clientsPerAddress(String value, int maxClients) {
    String usage = "--max-clients-per-address takes a number (0: off) or a percentage of";
    try {
      if (value.endsWith("%")) {
        double percent = Double.parseDouble(value.substring(0, value.length() - 1));
        check(
            percent > 0 && percent <= 100,
            usage + " --max-clients above 0% and up to 100%, got '" + value + "'");
        return (int) Math.max(1, Math.floor(maxClients * percent / 100));
      }
      int n = Integer.parseInt(value);
      check(n >= 0, usage + " --max-clients such as 1%, got '" + value + "'");
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          usage + " --max-clients such as 1%, got '" + value + "'", e);
    }
  }

  /** The keepalive every connection gets, or null for the kernel's defaults. */
  public KeepAlive keepAlive() {
    return keepAlive.isZero() ? null : KeepAlive.after(keepAlive);
  }

  /** Whether the HTTP listener runs (no {@code --no-http}). */
  public boolean httpEnabled() {
    return !noHttp;
  }

  public int httpPort() {
    return httpPort;
  }

  /** Who may open {@code /ws}. */
  public OriginPolicy allowedOrigins() {
    return origins;
  }

  /** Who may read {@code /metrics}. */
  public AddressRanges metricsAllowed() {
    return metricsAllowed;
  }

  /** The server's TLS context, or null without {@code --tls-cert}. */
  public SslContext tls() {
    return tls;
  }

  public String bind() {
    return bind;
  }

  public int port() {
    return port;
  }

  public int maxLineBytes() {
    return maxLineBytes;
  }

  public int maxPendingBytes() {
    return maxPendingBytes;
  }

  public int presenceLimit() {
    return presenceLimit;
  }

  /**
   * The room's history options: a fresh random epoch (a single broker's history ends with its
   * process, so a restarted broker must not reuse a numbering) and the wall clock.
   */
  public HistoryOptions history() {
    return new HistoryOptions(
        Epochs.random(), historyMessages, historyBytes, System::currentTimeMillis);
  }

  /** {@code --history}. */
  public int historyMessages() {
    return historyMessages;
  }

  public int ringSize() {
    return ringSize;
  }

  public InboundRing.Wait waitStrategy() {
    return waitStrategy;
  }

  public int ioThreads() {
    return ioThreads;
  }

  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  public Duration statsInterval() {
    return statsInterval;
  }
}
