package io.ringchat.broker;

import io.ringchat.broker.ring.InboundRing;
import java.time.Duration;

/**
 * Everything the broker can be told, with the defaults the README lists. Immutable; built by {@link
 * BrokerMain} from the command line, or by tests with {@link #builder()}.
 *
 * @param bind address to listen on
 * @param port TCP port; 0 picks a free one
 * @param maxLineBytes longest client line, LF excluded
 * @param maxPendingBytes unsent bytes held for one connection before it is a slow consumer
 * @param maxClients connections open at once
 * @param joinTimeout time a connection has to send a JOIN
 * @param presenceLimit JOINED/LEFT sent only while the room has at most this many members
 * @param ringSize ring slots, a power of two
 * @param waitStrategy how the room thread waits for work
 * @param ioThreads Netty I/O threads
 * @param shutdownTimeout bound on a graceful stop
 * @param statsInterval period of the stats line, or zero for none
 * @param maxRate lines per second one connection may send before it stops being read; 0 for no
 *     limit
 */
public record BrokerConfig(
    String bind,
    int port,
    int maxLineBytes,
    int maxPendingBytes,
    int maxClients,
    Duration joinTimeout,
    int presenceLimit,
    int ringSize,
    InboundRing.Wait waitStrategy,
    int ioThreads,
    Duration shutdownTimeout,
    Duration statsInterval,
    int maxRate) {

  public static final String DEFAULT_BIND = "0.0.0.0";
  public static final int DEFAULT_PORT = 7878;
  public static final int DEFAULT_MAX_LINE = 4096;
  public static final int DEFAULT_MAX_PENDING = 4 * 1024 * 1024;
  public static final int DEFAULT_MAX_CLIENTS = 10_000;
  public static final Duration DEFAULT_JOIN_TIMEOUT = Duration.ofSeconds(60);
  public static final int DEFAULT_PRESENCE_LIMIT = 1000;
  public static final int DEFAULT_RING_SIZE = 65_536;

  /**
   * Spin briefly, then park: the room costs no CPU while the room is silent, and under load it
   * never parks, so ring batches still grow (the README's "Measured" section compares the
   * strategies).
   */
  public static final InboundRing.Wait DEFAULT_WAIT = InboundRing.Wait.PARK;

  /** One I/O thread beat two on a 2-core machine (DESIGN.md): the room thread needs the other. */
  public static final int DEFAULT_IO_THREADS = 1;

  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

  public BrokerConfig {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("--max-line must be at least 1, got " + maxLineBytes);
    }
    if (maxPendingBytes < 1024) {
      throw new IllegalArgumentException(
          "--max-pending must be at least 1024 bytes, got " + maxPendingBytes);
    }
    if (maxClients < 1) {
      throw new IllegalArgumentException("--max-clients must be at least 1, got " + maxClients);
    }
    if (joinTimeout.isNegative() || joinTimeout.isZero()) {
      throw new IllegalArgumentException("--join-timeout must be positive, got " + joinTimeout);
    }
    if (presenceLimit < 0) {
      throw new IllegalArgumentException(
          "--presence-limit must be 0 or more, got " + presenceLimit);
    }
    if (ringSize < 2 || Integer.bitCount(ringSize) != 1) {
      throw new IllegalArgumentException(
          "--ring-size must be a power of two of at least 2, got " + ringSize);
    }
    if (ioThreads < 1) {
      throw new IllegalArgumentException("--io-threads must be at least 1, got " + ioThreads);
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("--port must be 0 to 65535, got " + port);
    }
    if (shutdownTimeout.isNegative()) {
      throw new IllegalArgumentException("--shutdown-timeout must not be negative");
    }
    if (maxRate < 0) {
      throw new IllegalArgumentException("--max-rate must be 0 (off) or more, got " + maxRate);
    }
    if (statsInterval.isNegative()) {
      throw new IllegalArgumentException("--stats-interval must not be negative");
    }
  }

  public static BrokerConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a config from the defaults, changing only what is set. */
  public static final class Builder {
    private String bind = DEFAULT_BIND;
    private int port = DEFAULT_PORT;
    private int maxLineBytes = DEFAULT_MAX_LINE;
    private int maxPendingBytes = DEFAULT_MAX_PENDING;
    private int maxClients = DEFAULT_MAX_CLIENTS;
    private Duration joinTimeout = DEFAULT_JOIN_TIMEOUT;
    private int presenceLimit = DEFAULT_PRESENCE_LIMIT;
    private int ringSize = DEFAULT_RING_SIZE;
    private InboundRing.Wait waitStrategy = DEFAULT_WAIT;
    private int ioThreads = DEFAULT_IO_THREADS;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    private Duration statsInterval = Duration.ZERO;
    private int maxRate;

    private Builder() {}

    public Builder bind(String value) {
      bind = value;
      return this;
    }

    public Builder port(int value) {
      port = value;
      return this;
    }

    public Builder maxLineBytes(int value) {
      maxLineBytes = value;
      return this;
    }

    public Builder maxPendingBytes(int value) {
      maxPendingBytes = value;
      return this;
    }

    public Builder maxClients(int value) {
      maxClients = value;
      return this;
    }

    public Builder joinTimeout(Duration value) {
      joinTimeout = value;
      return this;
    }

    public Builder presenceLimit(int value) {
      presenceLimit = value;
      return this;
    }

    public Builder ringSize(int value) {
      ringSize = value;
      return this;
    }

    public Builder waitStrategy(InboundRing.Wait value) {
      waitStrategy = value;
      return this;
    }

    public Builder ioThreads(int value) {
      ioThreads = value;
      return this;
    }

    public Builder shutdownTimeout(Duration value) {
      shutdownTimeout = value;
      return this;
    }

    public Builder statsInterval(Duration value) {
      statsInterval = value;
      return this;
    }

    public Builder maxRate(int value) {
      maxRate = value;
      return this;
    }

    public BrokerConfig build() {
      return new BrokerConfig(
          bind,
          port,
          maxLineBytes,
          maxPendingBytes,
          maxClients,
          joinTimeout,
          presenceLimit,
          ringSize,
          waitStrategy,
          ioThreads,
          shutdownTimeout,
          statsInterval,
          maxRate);
    }
  }
}
