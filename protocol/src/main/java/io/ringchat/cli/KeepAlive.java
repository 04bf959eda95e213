package io.ringchat.cli;

import java.time.Duration;

/**
 * TCP keepalive for one connection, so that a peer whose host vanished (lid closed, network
 * changed, NAT mapping forgotten: no FIN, no RST) is noticed in a bounded time: after {@code idle}
 * without traffic the kernel probes every {@code interval}, and gives up after {@code probes}
 * unanswered ones; the same bound ({@code TCP_USER_TIMEOUT}) applies while data is waiting to be
 * acknowledged, so a peer that vanished while messages were flowing to it goes just as fast.
 *
 * @param idleSeconds quiet time before the first probe
 * @param intervalSeconds time between probes
 * @param probes unanswered probes before the connection fails
 */
public record KeepAlive(int idleSeconds, int intervalSeconds, int probes) {
  private static final int PROBES = 3;

  /**
   * Keepalive that starts probing after {@code idle} (rounded up to whole seconds, the unit the
   * kernel takes), probes three times a third of that apart, and so fails a vanished peer's
   * connection within twice {@code idle}.
   */
  public static KeepAlive after(Duration idle) {
    int seconds = (int) Math.max(1, (idle.toMillis() + 999) / 1000);
    return new KeepAlive(seconds, Math.max(1, seconds / PROBES), PROBES);
  }

  /** How long a vanished peer's connection lives at most: idle plus every probe interval. */
  public Duration detectionTime() {
    return Duration.ofSeconds((long) idleSeconds + (long) intervalSeconds * probes);
  }

  /** The same bound for unacknowledged data ({@code TCP_USER_TIMEOUT}), in milliseconds. */
  public int userTimeoutMillis() {
    return (int) detectionTime().toMillis();
  }
}
