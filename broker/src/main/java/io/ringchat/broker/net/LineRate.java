package io.ringchat.broker.net;

/**
 * The {@code --max-rate} flood control of one connection: a token bucket of lines. Each line takes
 * a token; the bucket refills at the rate and holds at most a small burst. A line is never refused:
 * the bucket may go into debt by the lines of one read, and the connection is then not read until
 * the debt is paid off. Only created when the option is on, so it costs idle connections nothing
 * otherwise.
 *
 * <p>Called by the connection's event loop only.
 */
final class LineRate {
  private final double linesPerNano;
  private final double burst;
  private double tokens;
  private long lastNanos;

  LineRate(int linesPerSecond, long nowNanos) {
    this.linesPerNano = linesPerSecond / 1e9;
    this.burst = burstFor(linesPerSecond);
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  /** A tenth of a second's worth of lines, and never fewer than 8. */
  static double burstFor(int linesPerSecond) {
    return Math.max(8, linesPerSecond / 10.0);
  }

  /** Takes a token for one line; returns false when the bucket is now in debt. */
  boolean take(long nowNanos) {
    refill(nowNanos);
    tokens -= 1;
    return tokens >= 0;
  }

  /** How long until the bucket is out of debt (zero if it is not in debt). */
  long nanosUntilClear(long nowNanos) {
    refill(nowNanos);
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / linesPerNano);
  }

  private void refill(long nowNanos) {
    tokens = Math.min(burst, tokens + (nowNanos - lastNanos) * linesPerNano);
    lastNanos = nowNanos;
  }
}
